using ScimServer.Accounts;
using ScimServer.Audit;
using ScimServer.Protocol.Patching;
using ScimServer.Tokens;

namespace ScimServer.Scim;

/// <summary>
/// Who is calling, for one SCIM request: the token's account, its IdP connection and the account's products (all
/// read with the token, in one statement) and the request's audit trail. Scoped; the token handler fills it in,
/// and handlers take it as a parameter.
/// </summary>
public sealed class ScimCaller(AuditTrail audit)
{
    private Account? _account;
    private ScimConnection? _connection;

    public Account Account => _account ?? throw new InvalidOperationException("The request is not authenticated with a SCIM token.");
    public ScimConnection Connection => _connection ?? throw new InvalidOperationException("The request is not authenticated with a SCIM token.");
    public IReadOnlyList<Product> Products { get; private set; } = [];
    public AuditTrail Audit => audit;
    public Guid AccountId => Account.Id;

    /// <summary>The IdP kind of the token's connection, for metrics; "none" before (or without) authentication.</summary>
    public string IdpKind => _connection?.Idp.ToString() ?? "none";

    /// <summary>The connection decides what a replace through a filter that matches nothing does.</summary>
    public PatchOptions PatchOptions => new(Connection.UnmatchedValueFilter == UnmatchedValueFilter.Create);

    internal void Authenticated(LiveToken token)
    {
        _account = token.Account;
        _connection = token.Connection;
        Products = token.Products;
    }
}
