using System.Diagnostics.CodeAnalysis;

namespace ScimServer.Protocol.Errors;

/// <summary>Either a value or a <see cref="ScimError"/>.</summary>
public readonly record struct Result<T>
{
    private Result(T? value, ScimError? error)
    {
        Value = value;
        Error = error;
    }

    public T? Value { get; }
    public ScimError? Error { get; }

    [MemberNotNullWhen(false, nameof(Error))]
    [MemberNotNullWhen(true, nameof(Value))]
    public bool IsSuccess => Error is null;

    public static Result<T> Ok(T value) => new(value, null);
    public static Result<T> Fail(ScimError error) => new(default, error);

    public static implicit operator Result<T>(ScimError error) => Fail(error);
}
