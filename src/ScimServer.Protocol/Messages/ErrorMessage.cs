using System.Text.Json.Nodes;
using ScimServer.Protocol.Errors;

namespace ScimServer.Protocol.Messages;

/// <summary>Builds the SCIM Error message body of RFC 7644 §3.12.</summary>
public static class ErrorMessage
{
    public static JsonObject ToJson(ScimError error)
    {
        var body = new JsonObject
        {
            ["schemas"] = new JsonArray(ScimSchemaUris.Error),
            ["status"] = error.Status.ToString(System.Globalization.CultureInfo.InvariantCulture),
        };
        if (error.ScimType is not null)
        {
            body["scimType"] = error.ScimType;
        }
        body["detail"] = error.Detail;
        return body;
    }
}
