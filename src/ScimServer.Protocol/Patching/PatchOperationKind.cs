namespace ScimServer.Protocol.Patching;

public enum PatchOperationKind
{
    Add,
    Remove,
    Replace,
}
