using Microsoft.AspNetCore.DataProtection.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;
using ScimServer.Accounts;
using ScimServer.Credits;
using ScimServer.Groups;
using ScimServer.Operators;
using ScimServer.Tokens;
using ScimServer.Users;

namespace ScimServer.Persistence;

public sealed class ScimDbContext : DbContext, IDataProtectionKeyContext
{
    public ScimDbContext(DbContextOptions<ScimDbContext> options)
        : base(options) =>
        // A failed unit of work is retried as a whole (WriteUnit), never resumed: a savepoint around every
        // SaveChanges inside its transaction would only cost two round trips.
        Database.AutoSavepointsEnabled = false;

    public DbSet<Account> Accounts => Set<Account>();
    public DbSet<ScimToken> ScimTokens => Set<ScimToken>();
    public DbSet<Product> Products => Set<Product>();
    public DbSet<User> Users => Set<User>();
    public DbSet<Group> Groups => Set<Group>();
    public DbSet<GroupMember> GroupMembers => Set<GroupMember>();
    public DbSet<ScimConnection> ScimConnections => Set<ScimConnection>();
    public DbSet<CreditLedgerEntry> CreditLedger => Set<CreditLedgerEntry>();
    public DbSet<Operator> Operators => Set<Operator>();

    /// <summary>The console's cookie and antiforgery keys, shared by every replica (<see cref="DataProtectionKeyConfiguration"/>).</summary>
    public DbSet<DataProtectionKey> DataProtectionKeys => Set<DataProtectionKey>();

    protected override void OnModelCreating(ModelBuilder modelBuilder) =>
        modelBuilder.ApplyConfigurationsFromAssembly(typeof(ScimDbContext).Assembly);
}
