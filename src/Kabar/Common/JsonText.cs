using System.Text.Json;

namespace Kabar.Common;

/// <summary>Reads a string out of JSON whose shape is not trusted: anything else reads as null.</summary>
public static class JsonText
{
    /// <summary>The property's value when <paramref name="e"/> is an object and the value is a JSON string.</summary>
    public static string? StringOf(JsonElement e, string name) =>
        e.ValueKind == JsonValueKind.Object && e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String
            ? v.GetString()
            : null;

    /// <summary>A JSON string, or a number as it is written (ids are strings, but senders are lenient).</summary>
    public static string? StringOrNumber(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => value.GetString(),
        JsonValueKind.Number => value.GetRawText(),
        _ => null,
    };

    /// <summary><see cref="StringOrNumber(JsonElement)"/> of the property, when <paramref name="e"/> is an object that has it.</summary>
    public static string? StringOrNumberOf(JsonElement e, string name) =>
        e.ValueKind == JsonValueKind.Object && e.TryGetProperty(name, out var v) ? StringOrNumber(v) : null;
}
