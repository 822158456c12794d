using System.Text.RegularExpressions;

namespace Kabar.Tests.Infrastructure;

/// <summary>Route templates of Kabar's endpoint table made into URLs a test can request.</summary>
public static partial class Routes
{
    /// <summary>One <c>{name:constraint?=default}</c> of a route template: group 1 the name, group 2 the constraint.</summary>
    [GeneratedRegex(@"\{\*{0,2}([^}:?=]+)(?::([^}?=]+))?[?]?(?:=[^}]*)?\}")]
    public static partial Regex Parameter();
}
