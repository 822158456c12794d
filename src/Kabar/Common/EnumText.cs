using System.Collections.Frozen;
using System.Reflection;
using System.Text.Json.Serialization;

namespace Kabar.Common;

/// <summary>
/// The stable wire and storage names of contract enums (SPEC §3, §5, §13). Each member carries
/// <see cref="JsonStringEnumMemberNameAttribute"/>; JSON, the database and query strings all use
/// that one name, so a C# rename never changes the contract.
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1000",
    Justification = "One static lookup per enum type is the point; EnumText<ConsentState>.Name(x) reads well.")]
public static class EnumText<T> where T : struct, Enum
{
    private static readonly FrozenDictionary<T, string> Names = typeof(T)
        .GetFields(BindingFlags.Public | BindingFlags.Static)
        .ToFrozenDictionary(
            f => (T)f.GetValue(null)!,
            f => f.GetCustomAttribute<JsonStringEnumMemberNameAttribute>()?.Name
                 ?? throw new InvalidOperationException($"{typeof(T).Name}.{f.Name} has no wire name."));

    private static readonly FrozenDictionary<string, T> Values =
        Names.ToFrozenDictionary(p => p.Value, p => p.Key, StringComparer.OrdinalIgnoreCase);

    public static IReadOnlyCollection<string> All => Names.Values;

    public static string Name(T value) => Names[value];

    public static T Parse(string text) =>
        Values.TryGetValue(text, out var value)
            ? value
            : throw new FormatException($"'{text}' is not one of {string.Join(", ", Names.Values)}.");

    public static bool TryParse(string? text, out T value)
    {
        if (text is not null && Values.TryGetValue(text.Trim(), out value))
        {
            return true;
        }

        value = default;
        return false;
    }

    /// <summary>"a, b or c" for validation messages.</summary>
    public static string Choices => string.Join(", ", Names.Values.Select(v => $"'{v}'"));
}
