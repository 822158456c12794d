using Kabar.Common;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Kabar.Transfers;

/// <summary>A CSV upload: a form file, or the body itself (<c>text/csv</c>).</summary>
public static class CsvUpload
{
    public static async Task<(Stream? Body, ProblemHttpResult? Problem)> OpenAsync(HttpRequest http, CancellationToken ct)
    {
        if (!http.HasFormContentType)
        {
            return (http.Body, null);
        }

        var form = await http.ReadFormAsync(ct);
        var file = form.Files.Count > 0 ? form.Files[0] : null;
        return file is null
            ? (null, Problems.Validation("file", "Upload the CSV as a form file, or send it as the body with Content-Type text/csv."))
            : (file.OpenReadStream(), null);
    }
}
