using Microsoft.AspNetCore.Http.HttpResults;

namespace Kabar.Common;

/// <summary>Collects field errors in request order.</summary>
public sealed class FieldErrors
{
    private readonly Dictionary<string, List<string>> errors = new(StringComparer.Ordinal);

    public bool Any => errors.Count > 0;

    /// <summary>The fields and their messages, in the order they were found.</summary>
    public IEnumerable<(string Field, IReadOnlyList<string> Messages)> Entries =>
        errors.Select(e => (e.Key, (IReadOnlyList<string>)e.Value));

    public void Add(string field, string message)
    {
        if (!errors.TryGetValue(field, out var list))
        {
            errors[field] = list = [];
        }

        list.Add(message);
    }

    public ProblemHttpResult ToProblem() =>
        Problems.Validation(errors.ToDictionary(e => e.Key, e => e.Value.ToArray(), StringComparer.Ordinal));
}
