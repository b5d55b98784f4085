using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.WebUtilities;
using ScimServer.Protocol.Errors;

namespace ScimServer.Search;

/// <summary>
/// Where a cursor walk (RFC 9865) stands: after the row with <see cref="LastId"/> whose sort key was <see cref="Key"/>
/// (null for a NULL key; unused without sortBy), in <see cref="Account"/>'s results for <see cref="Query"/> (a digest
/// of resource type, filter and sort).
/// </summary>
public sealed record PageCursor(Guid Account, string Query, string? Key, Guid LastId, DateTimeOffset Issued);

/// <summary>
/// Turns a <see cref="PageCursor"/> into the opaque <c>nextCursor</c> string and back. Cursors are encrypted and
/// authenticated (AES-GCM) with a key every server process shares (kept in the database): a client can neither read
/// the sort values inside (a userName would otherwise sit in access logs) nor forge a position, and any replica
/// continues a walk another one started. The text is base64url, so it holds only URL-unreserved characters.
/// </summary>
public sealed class CursorCodec(Func<byte[]> key, TimeSpan timeout, TimeProvider time)
{
    private readonly Lazy<byte[]> _key = new(key);

    public TimeSpan Timeout => timeout;

    /// <summary>The digest that binds a cursor to one query: the same resource type, filter, sortBy and sortOrder.</summary>
    public static string QueryOf(string resource, string? filter, string? sortBy, Protocol.Messages.SortOrder order) =>
        Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes($"{resource}\n{filter}\n{sortBy}\n{order}")))[..32];

    public string Encode(Guid account, string query, string? key, Guid lastId)
    {
        var payload = new JsonObject
        {
            ["a"] = account,
            ["q"] = query,
            ["k"] = key,
            ["i"] = lastId,
            ["t"] = time.GetUtcNow().ToUnixTimeSeconds(),
        };
        var plain = Encoding.UTF8.GetBytes(payload.ToJsonString());
        var nonce = RandomNumberGenerator.GetBytes(AesGcm.NonceByteSizes.MaxSize);
        var sealedBytes = new byte[nonce.Length + plain.Length + AesGcm.TagByteSizes.MaxSize];
        nonce.CopyTo(sealedBytes, 0);
        using var aes = new AesGcm(_key.Value, AesGcm.TagByteSizes.MaxSize);
        aes.Encrypt(nonce, plain, sealedBytes.AsSpan(nonce.Length, plain.Length), sealedBytes.AsSpan(nonce.Length + plain.Length));
        return WebEncoders.Base64UrlEncode(sealedBytes);
    }

    /// <summary>The cursor's position, or 400 invalidCursor (not ours, another account's or query's) / expiredCursor.</summary>
    public Result<PageCursor> Decode(string text, Guid account, string query)
    {
        var cursor = Open(text);
        if (cursor is null || cursor.Account != account)
        {
            return ScimError.BadRequest(ScimType.InvalidCursor,
                "The cursor is not one this server gave for this account. Start with an empty cursor (cursor=) and send each nextCursor back as it came.");
        }
        if (cursor.Query != query)
        {
            return ScimError.BadRequest(ScimType.InvalidCursor,
                "The cursor belongs to another query: send the same filter, sortBy and sortOrder as the first page, or start again with an empty cursor.");
        }
        if (time.GetUtcNow() - cursor.Issued > timeout)
        {
            return ScimError.BadRequest(ScimType.ExpiredCursor,
                $"The cursor has expired: ask for the next page within {timeout.TotalSeconds.ToString(CultureInfo.InvariantCulture)} seconds (cursorTimeout), or start again with an empty cursor.");
        }
        return Result<PageCursor>.Ok(cursor);
    }

    [System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1031", Justification = "Whatever is wrong with a client's cursor text, the answer is the same invalidCursor.")]
    private PageCursor? Open(string text)
    {
        try
        {
            var sealedBytes = WebEncoders.Base64UrlDecode(text);
            var nonceSize = AesGcm.NonceByteSizes.MaxSize;
            var tagSize = AesGcm.TagByteSizes.MaxSize;
            if (sealedBytes.Length <= nonceSize + tagSize)
            {
                return null;
            }
            var plain = new byte[sealedBytes.Length - nonceSize - tagSize];
            using var aes = new AesGcm(_key.Value, tagSize);
            aes.Decrypt(sealedBytes.AsSpan(0, nonceSize), sealedBytes.AsSpan(nonceSize, plain.Length), sealedBytes.AsSpan(nonceSize + plain.Length), plain);
            // Only this server writes what decrypts: the fields are there.
            var json = JsonNode.Parse(plain) as JsonObject;
            return json?["a"] is { } a && json["q"] is { } q && json["i"] is { } i && json["t"] is { } t
                ? new PageCursor(a.GetValue<Guid>(), q.GetValue<string>(), json["k"]?.GetValue<string>(), i.GetValue<Guid>(), DateTimeOffset.FromUnixTimeSeconds(t.GetValue<long>()))
                : null;
        }
        catch (Exception e) when (e is FormatException or CryptographicException or JsonException or InvalidOperationException)
        {
            return null;
        }
    }
}
