using System.Globalization;
using System.Security.Cryptography;
using Microsoft.EntityFrameworkCore;
using ScimServer.Accounts;
using ScimServer.Audit;
using ScimServer.Credits;
using ScimServer.Operators;
using ScimServer.Persistence;

namespace ScimServer.Cli;

/// <summary>The CLI's account and operator commands, each the same service call as its operator API endpoint.</summary>
internal static class AccountCommands
{
    public static async Task<Account?> FindAccountAsync(ScimDbContext db, string reference, CancellationToken ct)
    {
        var account = Guid.TryParse(reference, out var id)
            ? await db.Accounts.FirstOrDefaultAsync(a => a.Id == id, ct)
            : await db.Accounts.FirstOrDefaultAsync(a => a.Name == reference, ct);
        if (account is null)
        {
            Console.Error.WriteLine($"No account with id or name '{reference}'.");
        }
        return account;
    }

    /// <summary><c>account sso &lt;account&gt; [--idp Okta] [--status Active] [--require-sso on|off]</c>, with rule 7's guard.</summary>
    public static async Task<int> SsoAsync(ScimDbContext db, string reference, string[] args, CancellationToken ct)
    {
        if (await FindAccountAsync(db, reference, ct) is not { } account)
        {
            return 2;
        }
        IdentityProviderKind? idp = null;
        SsoStatus? status = null;
        bool? require = null;
        if (Option(args, "--idp") is { } idpText)
        {
            idp = Enum.TryParse<IdentityProviderKind>(idpText, ignoreCase: true, out var kind) ? kind : throw Bad("--idp: Okta, EntraId, OneLogin or Other");
        }
        if (Option(args, "--status") is { } statusText)
        {
            status = Enum.TryParse<SsoStatus>(statusText, ignoreCase: true, out var s) ? s : throw Bad("--status: NotConfigured, Configured or Active");
        }
        if (Option(args, "--require-sso") is { } requireText)
        {
            require = requireText switch { "on" => true, "off" => false, _ => throw Bad("--require-sso: on or off") };
        }
        var before = (account.SsoIdp, account.SsoStatus, account.RequireSso);
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        var result = await SsoSettings.ApplyAsync(db, account.Id, new SsoChange(idp, status, require), ct);
        if (!result.IsSuccess)
        {
            Console.Error.WriteLine(result.Error.Detail);
            return 2;
        }
        var a = result.Value;
        await AuditCommands.RecordAsync(db, account.Id, "cli.account.sso", "Account", account.Id, null,
            AuditDiff.Of(("ssoIdp", before.SsoIdp, a.SsoIdp), ("ssoStatus", before.SsoStatus, a.SsoStatus), ("requireSso", before.RequireSso, a.RequireSso)), ct);
        await transaction.CommitAsync(ct);
        Console.WriteLine($"idp={a.SsoIdp} status={a.SsoStatus} requireSso={(a.RequireSso ? "on" : "off")}");
        return 0;
    }

    /// <summary><c>account policy &lt;account&gt; [--restrict-domains on|off] [--require-names on|off] [--require-email on|off]</c>: rule 6's identity policy.</summary>
    public static async Task<int> PolicyAsync(ScimDbContext db, string reference, string[] args, CancellationToken ct)
    {
        if (await FindAccountAsync(db, reference, ct) is not { } account)
        {
            return 2;
        }
        var before = (account.RestrictDomains, account.RequireNames, account.RequireEmail);
        account.RestrictDomains = OnOff(args, "--restrict-domains") ?? account.RestrictDomains;
        account.RequireNames = OnOff(args, "--require-names") ?? account.RequireNames;
        account.RequireEmail = OnOff(args, "--require-email") ?? account.RequireEmail;
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        await db.SaveChangesAsync(ct);
        await AuditCommands.RecordAsync(db, account.Id, "cli.account.policy", "Account", account.Id, null,
            AuditDiff.Of(("restrictDomains", before.RestrictDomains, account.RestrictDomains), ("requireNames", before.RequireNames, account.RequireNames),
                ("requireEmail", before.RequireEmail, account.RequireEmail)), ct);
        await transaction.CommitAsync(ct);
        Console.WriteLine($"restrictDomains={OnOff(account.RestrictDomains)} requireNames={OnOff(account.RequireNames)} requireEmail={OnOff(account.RequireEmail)}");
        return 0;
    }

    private static string OnOff(bool value) => value ? "on" : "off";

    private static bool? OnOff(string[] args, string name) => Option(args, name) switch
    {
        null => null,
        "on" => true,
        "off" => false,
        _ => throw Bad($"{name}: on or off"),
    };

    /// <summary><c>seats verify [--account X] [--repair]</c>: counters against a recount; exit 3 on unrepaired drift.</summary>
    public static async Task<int> VerifySeatsAsync(ScimDbContext db, string[] args, CancellationToken ct)
    {
        Guid? accountId = null;
        if (Option(args, "--account") is { } reference)
        {
            if (await FindAccountAsync(db, reference, ct) is not { } account)
            {
                return 2;
            }
            accountId = account.Id;
        }
        var repair = args.Contains("--repair");
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        var drift = repair ? await SeatAudit.RepairAsync(db, accountId, ct) : await SeatAudit.DriftAsync(db, accountId, ct);
        foreach (var group in repair ? drift.GroupBy(d => d.AccountId) : [])
        {
            await AuditCommands.RecordAsync(db, group.Key, "cli.seats.repair", "Account", group.Key, null,
                AuditDiff.Of(group.Select(d => ($"seatsUsed:{d.Code}", (object?)d.Recorded, (object?)d.Counted)).ToArray()), ct);
        }
        await transaction.CommitAsync(ct);
        foreach (var d in drift)
        {
            Console.WriteLine($"account={d.AccountId} product={d.Code} recorded={d.Recorded} counted={d.Counted}{(repair ? " repaired" : "")}");
        }
        Console.Error.WriteLine(drift.Count == 0 ? "Seat counters agree with a recount." : $"{drift.Count} product(s) drifted{(repair ? "; repaired" : "")}.");
        return drift.Count == 0 || repair ? 0 : 3;
    }

    /// <summary><c>account renew &lt;account&gt; [--credits N]</c>: a new contract year for the credit pool.</summary>
    public static async Task<int> RenewAsync(ScimDbContext db, string reference, string[] args, CancellationToken ct)
    {
        if (await FindAccountAsync(db, reference, ct) is not { } account)
        {
            return 2;
        }
        long? credits = Option(args, "--credits") is { } text ? long.Parse(text, CultureInfo.InvariantCulture) : null;
        var before = (account.CreditPool, account.CreditsUsed);
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        var renewed = await new CreditBook(db).RenewAsync(account.Id, credits, DateTimeOffset.UtcNow, ct);
        if (!renewed.IsSuccess)
        {
            await Console.Error.WriteLineAsync(renewed.Error.Detail);
            return 2;
        }
        var pool = renewed.Value;
        await AuditCommands.RecordAsync(db, account.Id, "cli.account.renew", "Account", account.Id, null,
            AuditDiff.Of(("creditPool", before.CreditPool, pool.Total), ("creditsUsed", before.CreditsUsed, pool.Used)), ct);
        await transaction.CommitAsync(ct);
        Console.WriteLine($"total={pool.Total} used={pool.Used} reserved={pool.Reserved} available={pool.Available}");
        return 0;
    }

    /// <summary>
    /// <c>operator create &lt;user name&gt; [--account &lt;account&gt;]</c>: staff without --account, else an Admin of that
    /// account. The password is read from SCIM_OPERATOR_PASSWORD, or generated and printed once.
    /// </summary>
    public static async Task<int> CreateOperatorAsync(ScimDbContext db, PasswordHasher hasher, string userName, string[] args, CancellationToken ct)
    {
        Account? account = null;
        if (Option(args, "--account") is { } reference && (account = await FindAccountAsync(db, reference, ct)) is null)
        {
            return 2;
        }
        var given = Environment.GetEnvironmentVariable("SCIM_OPERATOR_PASSWORD");
        var password = string.IsNullOrEmpty(given) ? Convert.ToBase64String(RandomNumberGenerator.GetBytes(18)) : given;
        if (password.Length < 12)
        {
            Console.Error.WriteLine("SCIM_OPERATOR_PASSWORD must be at least 12 characters.");
            return 2;
        }
        var op = new Operator
        {
            Id = Guid.CreateVersion7(),
            UserName = userName.Trim(),
            PasswordHash = hasher.Hash(password),
            Kind = account is null ? OperatorKind.Staff : OperatorKind.AccountAdmin,
            AccountId = account?.Id,
            Created = DateTimeOffset.UtcNow,
        };
        db.Operators.Add(op);
        try
        {
            await using var transaction = await db.Database.BeginTransactionAsync(ct);
            await db.SaveChangesAsync(ct);
            await AuditCommands.RecordAsync(db, account?.Id ?? Guid.Empty, "cli.operator.create", "Operator", op.Id, op.UserName,
                AuditDiff.Of(("kind", null, op.Kind)), ct);
            await transaction.CommitAsync(ct);
        }
        catch (DbUpdateException)
        {
            Console.Error.WriteLine($"An operator named '{userName}' already exists.");
            return 2;
        }
        Console.WriteLine(string.IsNullOrEmpty(given) ? password : "Operator created.");
        return 0;
    }

    private static InvalidOperationException Bad(string message) => new("Expected " + message + ".");

    internal static string? Option(string[] args, string name)
    {
        var index = Array.IndexOf(args, name);
        return index >= 0 && index + 1 < args.Length ? args[index + 1] : null;
    }
}
