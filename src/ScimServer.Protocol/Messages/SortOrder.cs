namespace ScimServer.Protocol.Messages;

public enum SortOrder
{
    Ascending,
    Descending,
}
