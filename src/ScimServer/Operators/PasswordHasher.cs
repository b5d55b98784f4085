using System.Globalization;
using System.Security.Cryptography;
using Microsoft.Extensions.Options;

namespace ScimServer.Operators;

/// <summary>The cost of new password hashes, bound to the "Passwords" section (tests lower it; production keeps the default).</summary>
public sealed class PasswordOptions
{
    public const string Section = "Passwords";

    /// <summary>PBKDF2-SHA256 iterations for new hashes (OWASP's 2023 figure by default); stored hashes keep their own.</summary>
    public int Iterations { get; set; } = 210_000;
}

/// <summary>Salted PBKDF2-SHA256 for passwords (people choose them, so the hash must be slow).</summary>
public sealed class PasswordHasher(IOptions<PasswordOptions> options)
{
    private readonly Lazy<string> _decoy = new(() => Hash(Guid.NewGuid().ToString(), options.Value.Iterations));

    /// <summary>A hash of nothing anyone knows, verified when a user name is unknown so both failures cost the same.</summary>
    public string Decoy => _decoy.Value;

    public string Hash(string password) => Hash(password, options.Value.Iterations);

    public static string Hash(string password, int iterations)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(iterations, 1000);
        var salt = RandomNumberGenerator.GetBytes(16);
        var hash = Rfc2898DeriveBytes.Pbkdf2(password, salt, iterations, HashAlgorithmName.SHA256, 32);
        return string.Create(CultureInfo.InvariantCulture, $"pbkdf2-sha256${iterations}${Convert.ToBase64String(salt)}${Convert.ToBase64String(hash)}");
    }

    public static bool Verify(string password, string stored)
    {
        var parts = stored.Split('$');
        if (parts.Length != 4 || parts[0] != "pbkdf2-sha256" || !int.TryParse(parts[1], CultureInfo.InvariantCulture, out var iterations))
        {
            return false;
        }
        var expected = Convert.FromBase64String(parts[3]);
        var actual = Rfc2898DeriveBytes.Pbkdf2(password, Convert.FromBase64String(parts[2]), iterations, HashAlgorithmName.SHA256, expected.Length);
        return CryptographicOperations.FixedTimeEquals(actual, expected);
    }
}
