namespace Kabar.Simulator;

/// <summary>One result row in column order, as PHP's associative array keeps it; values are strings, null or (rarely) ints.</summary>
internal sealed class SiCantikRow : List<KeyValuePair<string, object?>>
{
    public void Add(string key, object? value) => Add(new KeyValuePair<string, object?>(key, value));
}
