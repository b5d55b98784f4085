using Microsoft.EntityFrameworkCore;
using ScimServer.Accounts;
using ScimServer.Credits;
using ScimServer.Groups;
using ScimServer.Users;

namespace ScimServer.Persistence;

public sealed class ScimDbContext(DbContextOptions<ScimDbContext> options) : DbContext(options)
{
    public DbSet<Account> Accounts => Set<Account>();
    public DbSet<ScimToken> ScimTokens => Set<ScimToken>();
    public DbSet<Product> Products => Set<Product>();
    public DbSet<User> Users => Set<User>();
    public DbSet<Group> Groups => Set<Group>();
    public DbSet<GroupMember> GroupMembers => Set<GroupMember>();
    public DbSet<ScimConnection> ScimConnections => Set<ScimConnection>();
    public DbSet<CreditLedgerEntry> CreditLedger => Set<CreditLedgerEntry>();
    public DbSet<OperatorApi.Operator> Operators => Set<OperatorApi.Operator>();
    public DbSet<ServerKey> ServerKeys => Set<ServerKey>();

    protected override void OnModelCreating(ModelBuilder modelBuilder) =>
        modelBuilder.ApplyConfigurationsFromAssembly(typeof(ScimDbContext).Assembly);
}
