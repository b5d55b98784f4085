using System.Reflection;

namespace ScimServer.IntegrationTests.Support;

/// <summary>Holds a hand-written column mapping to EF's: every public property equal, and set (so none goes unchecked).</summary>
internal static class PropertyAssert
{
    public static void Same<T>(T expected, T actual, string? except = null)
    {
        foreach (var property in typeof(T).GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            var value = property.GetValue(expected);
            Assert.False(value is null && property.Name != except, $"set {typeof(T).Name}.{property.Name} in this test, so its mapping is checked");
            Assert.Equal(value, property.GetValue(actual));
        }
    }
}
