using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using ScimServer.Audit;
using ScimServer.Cli;
using ScimServer.WebConsole;
using ScimServer.Hosting;
using ScimServer.OperatorApi;
using ScimServer.Persistence;
using ScimServer.Scim;

// Subcommands (migrate, token, db) run without the web server; see Cli/CliCommands.cs.
if (CliCommands.Handles(args))
{
    return await CliCommands.RunAsync(args);
}

var builder = WebApplication.CreateBuilder(args);
if (string.IsNullOrEmpty(builder.Configuration["urls"]))
{
    // Loopback unless told otherwise (--urls, ASPNETCORE_URLS): a fresh checkout is not exposed to the network.
    builder.WebHost.UseUrls("http://127.0.0.1:5080");
}
builder.AddServiceDefaults();
builder.Services.AddPersistence(builder.Configuration);
builder.Services.AddDatabaseStartup();
builder.Services.AddScim(builder.Configuration);
builder.Services.AddRateLimits(builder.Configuration);
OperatorAuth.Add(builder.Services);
builder.Services.AddConsole();

var app = builder.Build();
app.UseForwardedHeaders();
// Outside the exception handler, so a 500 or 503 it writes is recorded too.
app.UseScimRequestMetrics();
app.UseAuditTrail();
app.UseExceptionHandler();
// Inside the exception handler (an unreachable database is a 503), before authentication (the token lookup shares it).
app.UseRequestConnection();
app.UseAuthentication();
app.UseAuthorization();
// After authorization, which authenticates each route group's scheme: SCIM requests are limited per token, operator
// requests per operator. Unknown tokens are limited per address by the token handler, before their lookup.
app.UseRateLimiter();
// After authentication: the console's forms carry antiforgery tokens bound to the signed-in operator.
app.UseAntiforgery();
app.MapScim();
app.MapOperatorApi();
app.MapConsole();
app.MapDefaultEndpoints();

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
    Console.WriteLine($"Operator API  : POST {address}/authenticate {{\"username\":\"{banner.OperatorName}\",\"password\":\"{banner.OperatorPassword}\"}}");
    Console.WriteLine($"                then {address}/api/accounts/{banner.AccountId}/credits with the returned jwt");
    Console.WriteLine($"Console       : {address}/console (the same user name and password)");
    Console.WriteLine();
});

try
{
    await app.RunAsync();
}
catch (LocalPostgresException e)
{
    Console.Error.WriteLine("Could not start the project-local PostgreSQL: " + e.Message);
    return 1;
}
return 0;

/// <summary>The entry point type, named for WebApplicationFactory in the integration tests.</summary>
public partial class Program;
