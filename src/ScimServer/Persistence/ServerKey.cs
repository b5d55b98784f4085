using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace ScimServer.Persistence;

/// <summary>A secret every server process shares through the database (the operator JWT signing key).</summary>
public sealed class ServerKey
{
    public required string Name { get; set; }
    public required byte[] Secret { get; set; }
    public DateTimeOffset Created { get; set; }
}

internal sealed class ServerKeyConfiguration : IEntityTypeConfiguration<ServerKey>
{
    public void Configure(EntityTypeBuilder<ServerKey> builder)
    {
        builder.ToTable("server_keys");
        builder.HasKey(k => k.Name);
        builder.Property(k => k.Name).HasColumnName("name");
        builder.Property(k => k.Secret).HasColumnName("secret");
        builder.Property(k => k.Created).HasColumnName("created");
    }
}
