using ScimServer.Accounts;
using ScimServer.Protocol.Errors;

namespace ScimServer.Scim;

/// <summary>
/// Refuses every SCIM resource request of an account that may not use SCIM (rule 1) with 403. The account is
/// the one the token handler read with the token (<see cref="ScimCaller"/>); nothing reads it again.
/// </summary>
internal sealed class ScimAccessFilter : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var caller = context.HttpContext.RequestServices.GetRequiredService<ScimCaller>();
        if (ScimAccess.Refusal(caller.Account) is { } refusal)
        {
            return ScimResult.Error(new ScimError(403, null, refusal));
        }
        return await next(context);
    }
}
