using System.Text;
using System.Text.Unicode;
using CsvHelper;

namespace Kabar.Common;

/// <summary>Why a row was rejected (or what was noted about it): its line in the file, the column, and what would be accepted.</summary>
/// <param name="Line">The line in the file, 1 being the header.</param>
/// <param name="Column">The column's name in the header; empty when the problem is the whole row or file.</param>
/// <param name="Reason">What is wrong and what would be accepted.</param>
public sealed record ImportRowError(int Line, string Column, string Reason);

/// <summary>
/// What the CSV imports (permits, contacts) share: opening a file in a known encoding, reading its
/// header, finding cells that are not UTF-8 and cells a spreadsheet would run as a formula.
/// </summary>
public static class CsvImport
{
    /// <summary>The encodings an import may be told to read with <c>?encoding=</c>; UTF-8 (with or without BOM) is the default.</summary>
    public static readonly string[] Encodings = ["utf-8", "windows-1252", "iso-8859-1"];

    public const string EncodingAdvice =
        "Save the file as 'CSV UTF-8' (Excel: File › Save As › CSV UTF-8), or say which encoding it is in " +
        "(?encoding=windows-1252, or --encoding windows-1252 on the command line).";

    /// <summary>The characters that make a spreadsheet read a cell as a formula (OWASP's CSV injection list).</summary>
    private static readonly char[] FormulaStarts = ['=', '+', '-', '@', '\t', '\r'];

    /// <summary>The encoding named by <paramref name="name"/> (null: UTF-8), or null with a problem naming what is accepted.</summary>
    public static Encoding? ResolveEncoding(string? name, out string? problem)
    {
        problem = null;
        switch (name?.Trim().ToLowerInvariant())
        {
            case null or "" or "utf-8" or "utf8":
                return null;
            case "windows-1252" or "cp1252" or "ansi":
                Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);
                return Encoding.GetEncoding(1252);
            case "iso-8859-1" or "latin1" or "latin-1":
                return Encoding.Latin1;
            default:
                problem = $"'{name}' is not an encoding Kabar reads; use {string.Join(", ", Encodings)}.";
                return null;
        }
    }

    /// <summary>A reader over <paramref name="csv"/>: header row, separator detected, line numbers tracked, values trimmed.</summary>
    public static CsvReader Open(Stream csv, Encoding? encoding) =>
        CsvReader.Create(csv, new CsvReaderOptions { TrackLineNumbers = true, TrimWhitespace = true, Encoding = encoding }, leaveOpen: true);

    /// <summary>The header names, trimmed and lower-cased.</summary>
    public static async Task<string[]> ReadHeaderAsync(CsvReader reader, CancellationToken ct)
    {
        await reader.ReadHeaderAsync(ct);
        return reader.Headers.Select(h => h.Trim().TrimStart('\uFEFF').ToLowerInvariant()).ToArray();
    }

    /// <summary>
    /// The index of the first field of the current record whose bytes are not UTF-8, or -1. A file
    /// saved by Excel as plain "CSV" on Windows is Windows-1252: 'é' is the single byte 0xE9,
    /// which is not UTF-8. Decoding it anyway would store mojibake ("Jos\uFFFD") as a person's name.
    /// </summary>
    public static int FirstInvalidUtf8Field(CsvReader reader)
    {
        if (Utf8.IsValid(reader.RawRecord))
        {
            return -1;
        }

        for (var i = 0; i < reader.FieldCount; i++)
        {
            if (!Utf8.IsValid(reader.GetRawSpan(i)))
            {
                return i;
            }
        }

        return 0;
    }

    /// <summary>The reason to give for a cell that is not UTF-8.</summary>
    public static string InvalidUtf8Reason =>
        "This cell is not UTF-8 text (the file looks like Windows-1252, Excel's plain 'CSV'); it was not imported, so no name is stored garbled. " +
        EncodingAdvice;

    /// <summary>
    /// Whether a spreadsheet would run <paramref name="value"/> as a formula (<c>=HYPERLINK(…)</c>,
    /// <c>@SUM(…)</c>, <c>+cmd|…</c>). Imports refuse such cells rather than silently changing a
    /// person's data; exports put a <c>'</c> in front (see <see cref="Neutralize"/>).
    /// </summary>
    public static bool LooksLikeFormula(string? value) => value is { Length: > 0 } && FormulaStarts.Contains(value[0]);

    public static string FormulaReason(string value) =>
        $"Starts with '{Printable(value[0])}', which a spreadsheet runs as a formula; remove that character (or the formula) and import the row again.";

    /// <summary>A text cell for an exported CSV: a leading formula character is escaped with <c>'</c>, as spreadsheets read it.</summary>
    public static string Neutralize(string value) => LooksLikeFormula(value) ? "'" + value : value;

    /// <summary>The report lines of an import, as the command line prints them.</summary>
    public static IEnumerable<string> ReportLines(IEnumerable<ImportRowError> errors, string prefix = "") =>
        errors.Select(e => $"{prefix}line {e.Line}, column {(e.Column.Length == 0 ? "-" : e.Column)}: {e.Reason}");

    private static string Printable(char c) => c switch
    {
        '\t' => "TAB",
        '\r' => "CR",
        _ => c.ToString(),
    };
}
