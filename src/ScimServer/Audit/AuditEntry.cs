using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace ScimServer.Audit;

/// <summary>
/// One audit log entry as operators query it (OData, exports). Entries are written only by <see cref="AuditTrail"/>
/// through the table's append trigger, which sets the sequence, time and hashes; this type only reads them.
/// </summary>
public sealed class AuditEntry
{
    public Guid AccountId { get; set; }
    public long Seq { get; set; }
    public DateTimeOffset At { get; set; }

    /// <summary>ScimToken, Operator, Cli or Anonymous.</summary>
    public required string ActorType { get; set; }

    /// <summary>The SCIM token id, operator id or OS user; for anonymous requests, the token prefix or user name tried.</summary>
    public string? ActorId { get; set; }
    public string? ActorName { get; set; }

    /// <summary>The SCIM connection (IdP) the token belongs to.</summary>
    public Guid? ConnectionId { get; set; }

    /// <summary>The endpoint or command, e.g. CreateUser, PatchGroup, Authenticate, cli.token.create.</summary>
    public required string Action { get; set; }
    public string? TargetType { get; set; }
    public string? TargetId { get; set; }

    /// <summary>Success, Refused (4xx) or Failed (5xx).</summary>
    public required string Outcome { get; set; }
    public int Status { get; set; }

    /// <summary>The scimType or problem code of a refusal.</summary>
    public string? Code { get; set; }
    public string? RequestId { get; set; }
    public string? TraceId { get; set; }
    public string? ClientAddress { get; set; }

    /// <summary>Personal: the target's userName or displayName (null once erased).</summary>
    public string? TargetName { get; set; }

    /// <summary>Personal: why a request was refused (null once erased).</summary>
    public string? Detail { get; set; }

    /// <summary>Personal: attribute-level before/after, secrets redacted (JSON; null once erased).</summary>
    public string? Changes { get; set; }

    public DateTimeOffset? ErasedAt { get; set; }
}

internal sealed class AuditEntryConfiguration : IEntityTypeConfiguration<AuditEntry>
{
    public void Configure(EntityTypeBuilder<AuditEntry> builder)
    {
        builder.ToTable("audit_log");
        builder.HasKey(e => new { e.AccountId, e.Seq });
        builder.Property(e => e.AccountId).HasColumnName("account_id");
        builder.Property(e => e.Seq).HasColumnName("seq");
        builder.Property(e => e.At).HasColumnName("at");
        builder.Property(e => e.ActorType).HasColumnName("actor_type");
        builder.Property(e => e.ActorId).HasColumnName("actor_id");
        builder.Property(e => e.ActorName).HasColumnName("actor_name");
        builder.Property(e => e.ConnectionId).HasColumnName("connection_id");
        builder.Property(e => e.Action).HasColumnName("action");
        builder.Property(e => e.TargetType).HasColumnName("target_type");
        builder.Property(e => e.TargetId).HasColumnName("target_id");
        builder.Property(e => e.Outcome).HasColumnName("outcome");
        builder.Property(e => e.Status).HasColumnName("status");
        builder.Property(e => e.Code).HasColumnName("code");
        builder.Property(e => e.RequestId).HasColumnName("request_id");
        builder.Property(e => e.TraceId).HasColumnName("trace_id");
        builder.Property(e => e.ClientAddress).HasColumnName("client_address");
        builder.Property(e => e.TargetName).HasColumnName("target_name");
        builder.Property(e => e.Detail).HasColumnName("detail");
        builder.Property(e => e.Changes).HasColumnName("changes").HasColumnType("jsonb");
        builder.Property(e => e.ErasedAt).HasColumnName("erased_at");
    }
}
