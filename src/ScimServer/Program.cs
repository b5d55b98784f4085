using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using ScimServer.Cli;
using ScimServer.Hosting;

// Subcommands (migrate, token, db) run without the web server; see Cli/CliCommands.cs.
if (CliCommands.Handles(args))
{
    return await CliCommands.RunAsync(args);
}

var builder = WebApplication.CreateBuilder(args);
ScimApplication.AddServices(builder);
var app = builder.Build();
ScimApplication.MapEndpoints(app);

app.Lifetime.ApplicationStarted.Register(() =>
{
    var banner = app.Services.GetRequiredService<DemoBanner>();
    var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault();
    if (banner.Token is null || address is null)
    {
        return;
    }
    // Printed, never logged: the token is a secret meant for the person who started the server.
    Console.WriteLine();
    Console.WriteLine($"SCIM base URL : {address}{ScimUrls.Prefix}");
    Console.WriteLine($"Account       : {banner.AccountName}");
    Console.WriteLine($"Bearer token  : {banner.Token}");
    Console.WriteLine($"Try           : curl -H \"Authorization: Bearer {banner.Token}\" {address}{ScimUrls.Prefix}/Users");
    Console.WriteLine();
});

await app.RunAsync();
return 0;

/// <summary>The entry point type, named for WebApplicationFactory in the integration tests.</summary>
public partial class Program;
