using System.Security.Cryptography;
using Npgsql;

namespace ScimServer.Persistence;

/// <summary>
/// Secrets shared by every server process on one database (the operator JWT key, the cursor key): created once,
/// by whichever process asks first, and read by the rest.
/// </summary>
public static class ServerKeys
{
    public static byte[] GetOrCreate(string connectionString, string name)
    {
        using var db = new NpgsqlConnection(connectionString);
        db.Open();
        using var command = new NpgsqlCommand(
            """
            INSERT INTO server_keys (name, secret, created) VALUES (@name, @secret, now()) ON CONFLICT (name) DO NOTHING;
            SELECT secret FROM server_keys WHERE name = @name;
            """, db);
        command.Parameters.AddWithValue("name", name);
        command.Parameters.AddWithValue("secret", RandomNumberGenerator.GetBytes(32));
        return (byte[])command.ExecuteScalar()!;
    }
}
