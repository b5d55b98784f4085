namespace ScimServer.Scim;

/// <summary>SCIM protocol limits and addressing, bound to the "Scim" configuration section.</summary>
public sealed class ScimOptions
{
    public const string Section = "Scim";

    /// <summary>Public origin (scheme://host[:port][/prefix]) used in meta.location behind a proxy; empty to use the request's.</summary>
    public string? PublicBaseUrl { get; set; }

    public int DefaultPageSize { get; set; } = 100;

    /// <summary>The most resources one list or search returns; advertised as filter.maxResults.</summary>
    public int MaxPageSize { get; set; } = 1000;

    /// <summary>The largest request body accepted; larger ones get 413.</summary>
    public int MaxPayloadBytes { get; set; } = 1024 * 1024;

    /// <summary>
    /// Whether /ServiceProviderConfig carries RFC 9865's <c>pagination</c> attribute. Off by default: clients that
    /// validate the document against RFC 7643's schema alone (python-scim's scim2-models, which scim2-tester and
    /// scim2-client use) reject the unknown attribute and then cannot discover the server at all. Cursor paging itself
    /// works either way.
    /// </summary>
    public bool AdvertisePagination { get; set; }

    /// <summary>How long a cursor (RFC 9865) stays valid between page requests; advertised as pagination.cursorTimeout.</summary>
    public int CursorTimeoutSeconds { get; set; } = 3600;

    /// <summary>The most operations one /Bulk request may carry; advertised as bulk.maxOperations.</summary>
    public int BulkMaxOperations { get; set; } = 1000;

    /// <summary>The largest /Bulk request body accepted; advertised as bulk.maxPayloadSize.</summary>
    public int BulkMaxPayloadBytes { get; set; } = 2 * 1024 * 1024;

    /// <summary>The most members a Group representation may carry; a larger group answers 400 tooMany unless members are excluded.</summary>
    public int MaxMembersReturned { get; set; } = 50_000;
}
