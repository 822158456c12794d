namespace Kabar.Notifications;

/// <summary>
/// One language of a catalog template: the body with <c>{{1}}</c>… placeholders in the order Kabar
/// sends the type's parameters (or <c>{{name}}</c> for a named template), an optional footer, and one
/// example value per placeholder for Meta's review.
/// </summary>
public sealed record CatalogText(string Body, string? Footer, IReadOnlyList<string> Examples);
