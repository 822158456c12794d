namespace Kabar.Operations;

/// <summary>The CSV an endpoint reads, kept as metadata for its OpenAPI request body.</summary>
internal sealed record CsvBodyExample(string Columns, string Example);

/// <summary>
/// Documents an upload endpoint that reads its CSV itself (a form file, or the body as
/// <c>text/csv</c>): the framework sees no body parameter, so the reference would show none.
/// </summary>
public static class CsvBody
{
    public static RouteHandlerBuilder AcceptsCsv(this RouteHandlerBuilder builder, string columns, string example) =>
        builder.WithMetadata(new CsvBodyExample(columns, example));
}
