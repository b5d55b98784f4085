using ScimServer.Hosting;
using ScimServer.Protocol.Errors;

namespace ScimServer.Accounts;

/// <summary>
/// Refuses every SCIM request of an account that may not use SCIM (rule 1) with 403. The account is the one
/// the token handler read with the token; handlers take it from here instead of reading it again.
/// </summary>
internal sealed class ScimAccessFilter : IEndpointFilter
{
    public const string AccountItem = "scim.account";
    public const string ConnectionItem = "scim.connection";
    public const string ProductsItem = "scim.products";

    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        // The token handler read the account together with the token, in this request.
        if (ScimAccess.Refusal(Account(context.HttpContext)) is { } refusal)
        {
            return ScimResult.Error(new ScimError(403, null, refusal));
        }
        return await next(context);
    }

    public static Account Account(HttpContext context) => (Account)context.Items[AccountItem]!;

    /// <summary>The token's SCIM connection with its compatibility settings, read with the token.</summary>
    public static ScimConnection Connection(HttpContext context) => (ScimConnection)context.Items[ConnectionItem]!;

    /// <summary>The account's products, read with the token: the user rules need them on every user write.</summary>
    public static IReadOnlyList<Product> Products(HttpContext context) => (IReadOnlyList<Product>)context.Items[ProductsItem]!;
}
