namespace ScimServer.OperatorApi;

/// <summary>The page an operator list asks for: 1-based number, size 1–200 (default 50).</summary>
public readonly record struct ApiPage(int Number, int Size)
{
    public const int MaxSize = 200;

    public static ApiPage Of(int? page, int? pageSize) => new(Math.Max(page ?? 1, 1), Math.Clamp(pageSize ?? 50, 1, MaxSize));

    public int Skip => (Number - 1) * Size;
}
