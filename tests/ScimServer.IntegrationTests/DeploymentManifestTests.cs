using System.Net;
using System.Text.RegularExpressions;
using ScimServer.Cli;
using ScimServer.IntegrationTests.Support;
using YamlDotNet.Core;
using YamlDotNet.Serialization;

namespace ScimServer.IntegrationTests;

/// <summary>
/// The Dockerfile, deploy/compose.yaml and the kustomize manifests under deploy/k8s cannot be run here (no container
/// engine), so they are held to what the server really serves and reads: probe paths that answer, one port
/// everywhere, only settings the server documents, selectors and references that meet.
/// </summary>
public sealed partial class DeploymentManifestTests(ScimFixture fixture) : IClassFixture<ScimFixture>
{
    private static readonly string K8s = Repository.PathOf("deploy", "k8s");
    private static readonly string[] Probes = ["livenessProbe", "readinessProbe", "startupProbe"];

    private static Dictionary<object, object> Load(string path)
    {
        using var reader = new StreamReader(path);
        // The merging parser resolves compose's "<<: *server" anchors.
        return new DeserializerBuilder().Build().Deserialize<Dictionary<object, object>>(new MergingParser(new Parser(reader)));
    }

    private static Dictionary<object, object> Manifest(string kind) =>
        Directory.GetFiles(K8s, "*.yaml").Select(Load).Single(m => (string)m["kind"] == kind);

    private static Dictionary<object, object> Map(object node, params string[] path) =>
        (Dictionary<object, object>)path.Aggregate(node, (n, key) => ((Dictionary<object, object>)n)[key]);

    private static List<object> List(object node, params string[] path) =>
        (List<object>)path.Aggregate(node, (n, key) => ((Dictionary<object, object>)n)[key]);

    private static Dictionary<object, object> Container(Dictionary<object, object> workload) =>
        (Dictionary<object, object>)List(workload, "spec", "template", "spec", "containers").Single();

    [GeneratedRegex(@"^EXPOSE (\d+)$", RegexOptions.Multiline)]
    private static partial Regex Expose();

    [GeneratedRegex(@"^ENV ASPNETCORE_URLS=http://\+:(\d+)$", RegexOptions.Multiline)]
    private static partial Regex DockerUrls();

    /// <summary>The settings docs/configuration.md documents (its table's first column).</summary>
    private static HashSet<string> DocumentedSettings() =>
        File.ReadAllLines(Repository.PathOf("docs", "configuration.md"))
            .Select(line => Regex.Match(line, @"^\| `([^`]+)` \|"))
            .Where(m => m.Success).Select(m => m.Groups[1].Value).ToHashSet(StringComparer.Ordinal);

    /// <summary>An environment variable the server reads: the framework's own, or a documented setting (Section__Key).</summary>
    private static bool IsRead(string name, HashSet<string> documented) =>
        name.StartsWith("ASPNETCORE_", StringComparison.Ordinal) || name.StartsWith("DOTNET_", StringComparison.Ordinal) ||
        documented.Contains(name) || documented.Contains(name.Replace("__", ":", StringComparison.Ordinal));

    [Fact]
    public void Kustomization_ListsEveryManifest_AndTheImageItDeploys()
    {
        var kustomization = Load(Path.Combine(K8s, "kustomization.yaml"));
        var resources = List(kustomization, "resources").Cast<string>().Order().ToList();
        Assert.Equal(Directory.GetFiles(K8s, "*.yaml").Select(Path.GetFileName).Where(f => f != "kustomization.yaml").Order(), resources);
        var image = (string)((Dictionary<object, object>)List(kustomization, "images").Single())["name"];
        Assert.Equal(image, Container(Manifest("Deployment"))["image"]);
        Assert.Equal(image, Container(Manifest("Job"))["image"]);
    }

    [Fact]
    public async Task Probes_NameEndpointsTheServerAnswers_OnThePortItListensOn()
    {
        var deployment = Manifest("Deployment");
        var container = Container(deployment);
        Assert.True(int.Parse((string)Map(deployment, "spec")["replicas"], System.Globalization.CultureInfo.InvariantCulture) >= 2);
        var port = (Dictionary<object, object>)((List<object>)container["ports"]).Single();
        var containerPort = (string)port["containerPort"];
        var probes = Probes.ToDictionary(p => p, p => Map(container, p, "httpGet"));
        Assert.All(probes.Values, p => Assert.Equal(port["name"], p["port"]));
        Assert.Equal("/healthz", probes["livenessProbe"]["path"]);
        Assert.Equal("/readyz", probes["readinessProbe"]["path"]);
        using var client = fixture.App.CreateClient();
        foreach (var path in probes.Values.Select(p => (string)p["path"]).Distinct())
        {
            Assert.Equal(HttpStatusCode.OK, (await client.GetAsync(new Uri(path, UriKind.Relative))).StatusCode);
        }

        // The server listens on loopback unless ASPNETCORE_URLS says otherwise: the image and the pod must say the same port.
        var env = ((List<object>)container["env"]).Cast<Dictionary<object, object>>().ToDictionary(e => (string)e["name"]);
        Assert.Equal($"http://+:{containerPort}", env["ASPNETCORE_URLS"]["value"]);
        var dockerfile = File.ReadAllText(Repository.PathOf("deploy", "Dockerfile"));
        Assert.Equal(containerPort, Expose().Match(dockerfile).Groups[1].Value);
        Assert.Equal(containerPort, DockerUrls().Match(dockerfile).Groups[1].Value);
        Assert.Contains("USER $APP_UID", dockerfile, StringComparison.Ordinal);
        Assert.Matches("(?m)^FROM mcr.microsoft.com/dotnet/aspnet:10.0-[a-z]+-chiseled$", dockerfile);
        Assert.Equal("true", Map(deployment, "spec", "template", "spec", "securityContext")["runAsNonRoot"]);
    }

    [Fact]
    public void EveryEnvironmentVariable_IsASettingTheServerReads_AndEverySecretReferenceResolves()
    {
        var documented = DocumentedSettings();
        var secret = Map(Manifest("Secret"), "stringData").Keys.Cast<string>().ToHashSet();
        Assert.All(secret, key => Assert.True(IsRead(key, documented), $"secret key {key} is no documented setting"));
        var container = Container(Manifest("Deployment"));
        foreach (var env in ((List<object>)container["env"]).Cast<Dictionary<object, object>>())
        {
            var name = (string)env["name"];
            Assert.True(IsRead(name, documented), $"env {name} is no documented setting");
            if (env.TryGetValue("valueFrom", out var from))
            {
                var reference = Map(from, "secretKeyRef");
                Assert.Equal(Map(Manifest("Secret"), "metadata")["name"], reference["name"]);
                Assert.Contains((string)reference["key"], secret);
            }
        }
        var job = Container(Manifest("Job"));
        var envFrom = Map(((List<object>)job["envFrom"]).Single(), "secretRef");
        Assert.Equal(Map(Manifest("Secret"), "metadata")["name"], envFrom["name"]);

        var compose = Load(Repository.PathOf("deploy", "compose.yaml"));
        foreach (var service in new[] { "server", "migrate" })
        {
            Assert.All(Map(compose, "services", service, "environment").Keys.Cast<string>(),
                name => Assert.True(IsRead(name, documented), $"compose {service}: {name} is no documented setting"));
        }
    }

    [Fact]
    public void MigrationsRunOnceAsAJob_WithACommandTheServerHas_AndTheReplicasNeverMigrate()
    {
        var job = Container(Manifest("Job"));
        var args = ((List<object>)job["args"]).Cast<string>().ToArray();
        Assert.True(CliCommands.Handles(args));
        Assert.Equal(["migrate"], args);
        var compose = Load(Repository.PathOf("deploy", "compose.yaml"));
        Assert.Equal(["migrate"], List(compose, "services", "migrate", "command").Cast<string>());
        Assert.Equal("service_completed_successfully", Map(compose, "services", "server", "depends_on", "migrate")["condition"]);
        Assert.Equal("8080:8080", List(compose, "services", "server", "ports").Single());
        Assert.Contains("pgdata:/var/lib/postgresql/data", List(compose, "services", "postgres", "volumes").Cast<string>());
        var deployment = ((List<object>)Container(Manifest("Deployment"))["env"]).Cast<Dictionary<object, object>>().ToDictionary(e => (string)e["name"]);
        Assert.Equal("false", deployment["Database__MigrateOnStartup"]["value"]);
    }

    [Fact]
    public void GracePeriod_CoversThePreStopPause_AndTheServersDrain()
    {
        var pod = Map(Manifest("Deployment"), "spec", "template", "spec");
        int Number(object value) => int.Parse((string)value, System.Globalization.CultureInfo.InvariantCulture);
        var pause = Number(Map(Container(Manifest("Deployment")), "lifecycle", "preStop", "sleep")["seconds"]);
        Assert.True(Number(pod["terminationGracePeriodSeconds"]) >= pause + Hosting.ServiceDefaults.DefaultShutdownTimeoutSeconds);
    }

    [Fact]
    public void ServicePdbAndAutoscaler_SelectTheDeploymentsPods()
    {
        var deployment = Manifest("Deployment");
        var labels = Map(deployment, "spec", "template", "metadata", "labels");
        Assert.Equal(labels, Map(deployment, "spec", "selector", "matchLabels"));
        var service = Manifest("Service");
        Assert.Equal(labels, Map(service, "spec", "selector"));
        var servicePort = (Dictionary<object, object>)List(service, "spec", "ports").Single();
        var containerPort = (Dictionary<object, object>)((List<object>)Container(deployment)["ports"]).Single();
        Assert.Equal(containerPort["name"], servicePort["targetPort"]);
        var pdb = Manifest("PodDisruptionBudget");
        Assert.Equal(labels, Map(pdb, "spec", "selector", "matchLabels"));
        Assert.Equal("1", Map(pdb, "spec")["minAvailable"]);
        var hpa = Manifest("HorizontalPodAutoscaler");
        var target = Map(hpa, "spec", "scaleTargetRef");
        Assert.Equal(("Deployment", Map(deployment, "metadata")["name"]), (target["kind"], target["name"]));
        Assert.True(int.Parse((string)Map(hpa, "spec")["minReplicas"], System.Globalization.CultureInfo.InvariantCulture) >= 2);
    }
}
