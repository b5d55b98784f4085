using System.Globalization;
using System.Text;
using ScimServer.Groups;
using ScimServer.Protocol.Messages;

namespace ScimServer.Users;

/// <summary>
/// A user's ETag: its row version and, when it is in groups, a digest of the groups its representation lists (id and
/// display). A membership change or a group rename moves the ETag, yet no user row is written when a 100k-member
/// group changes: the digest is computed from the memberships read with the user anyway.
/// </summary>
public static class UserVersion
{
    public static string Of(uint rowVersion, IReadOnlyList<GroupRef> groups)
    {
        var row = rowVersion.ToString(CultureInfo.InvariantCulture);
        return ETag.Of(groups.Count == 0 ? row : row + "-" + Digest(groups));
    }

    /// <summary>FNV-1a over the groups in the order shown: stable across processes and releases, unlike string.GetHashCode.</summary>
    private static string Digest(IReadOnlyList<GroupRef> groups)
    {
        var hash = 14695981039346656037UL;
        foreach (var group in groups)
        {
            foreach (var b in Encoding.UTF8.GetBytes(group.GroupId.ToString("N") + "\u001f" + group.DisplayName + "\u001e"))
            {
                hash = (hash ^ b) * 1099511628211UL;
            }
        }
        return hash.ToString("x16", CultureInfo.InvariantCulture);
    }
}
