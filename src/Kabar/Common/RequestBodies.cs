using System.Net;
using System.Text;
using System.Text.Json;
using Kabar.Web;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Net.Http.Headers;

namespace Kabar.Common;

/// <summary>
/// Request bodies judged as bytes before any endpoint reads them (docs/reliability.md, "Byte-level
/// fuzzing"): a JSON or form body declared in a charset other than UTF-8 is refused with 415, and
/// a JSON string that is no text — invalid UTF-8, or a <c>\uD800</c> escape without its other half —
/// is refused with 422 naming the field. Such a string cannot be stored (PostgreSQL refuses it),
/// written back as JSON or shown, so it is stopped at the door for every endpoint alike.
/// </summary>
public static class RequestBodies
{
    /// <summary>
    /// The WhatsApp webhook reads its own raw bytes (the signature covers them) and answers Meta by
    /// its own rules (docs/pipeline.md); every other body passes through here.
    /// </summary>
    private static readonly PathString WhatsAppWebhook = "/webhooks/whatsapp";

    public static WebApplication UseKabarRequestBodies(this WebApplication app)
    {
        app.Use(async (context, next) =>
        {
            if (context.Request.Path.StartsWithSegments(WhatsAppWebhook) || !HasBody(context.Request))
            {
                await next(context);
                return;
            }

            if (!MediaTypeHeaderValue.TryParse(context.Request.ContentType, out var type))
            {
                await next(context);
                return;
            }

            var json = IsJson(type);
            if (!json && !IsForm(type))
            {
                await next(context);
                return;
            }

            if (type.Charset.HasValue)
            {
                var declared = type.Charset.Value!.Trim('"');
                if (!IsUtf8(declared))
                {
                    await RefuseCharsetAsync(context, declared, json);
                    return;
                }

                // "utf8" is a common spelling .NET does not know by that name: read it as utf-8.
                type.Charset = "utf-8";
                context.Request.ContentType = type.ToString();
            }

            if (json && await FirstInvalidStringAsync(context) is { } field)
            {
                await WriteProblemAsync(context, Problems.Validation(field, InvalidTextAdvice));
                return;
            }

            await next(context);
        });
        return app;
    }

    public const string InvalidTextAdvice =
        "Not valid text: send strings as UTF-8, and write a \\uD800–\\uDFFF escape only as half of a surrogate pair " +
        "(for example \\ud83d\\ude4f for 🙏). A NUL character (\\u0000) is not accepted: no text Kabar stores may hold one.";

    private static bool HasBody(HttpRequest request) =>
        request.ContentLength is > 0
        || (request.ContentLength is null && request.HttpContext.Features.Get<IHttpRequestBodyDetectionFeature>()?.CanHaveBody == true);

    private static bool IsJson(MediaTypeHeaderValue type) =>
        type.MediaType.Equals("application/json", StringComparison.OrdinalIgnoreCase)
        || type.Suffix.Equals("json", StringComparison.OrdinalIgnoreCase);

    private static bool IsForm(MediaTypeHeaderValue type) =>
        type.MediaType.Equals("application/x-www-form-urlencoded", StringComparison.OrdinalIgnoreCase)
        || type.MediaType.Equals("multipart/form-data", StringComparison.OrdinalIgnoreCase);

    private static bool IsUtf8(string charset) => charset.ToLowerInvariant() is "utf-8" or "utf8";

    /// <summary>
    /// The path of the first string or property name in the JSON body that is not valid text, or
    /// null. The body is buffered and rewound for the endpoint; a body that is no JSON at all is
    /// left for the endpoint to refuse as it always has.
    /// </summary>
    private static async Task<string?> FirstInvalidStringAsync(HttpContext context)
    {
        context.Request.EnableBuffering();
        using var buffer = new MemoryStream();
        await context.Request.Body.CopyToAsync(buffer, context.RequestAborted);
        context.Request.Body.Position = 0;
        return FirstInvalidString(buffer.GetBuffer().AsSpan(0, (int)buffer.Length));
    }

    /// <summary>
    /// The path (<c>params.partner_name</c>, <c>phones[0]</c>) of the first string or property name in
    /// <paramref name="utf8Json"/> that cannot be read as text; null when every one can, or when the
    /// bytes are no JSON.
    /// </summary>
    public static string? FirstInvalidString(ReadOnlySpan<byte> utf8Json)
    {
        var reader = new Utf8JsonReader(utf8Json, new JsonReaderOptions { MaxDepth = 64 });
        var path = new List<Segment>();
        try
        {
            while (reader.Read())
            {
                switch (reader.TokenType)
                {
                    case JsonTokenType.PropertyName:
                        var name = ReadText(ref reader);
                        if (name is null)
                        {
                            return Render(path, "(a property name)");
                        }

                        path[^1] = path[^1] with { Name = name };
                        continue;
                    case JsonTokenType.StartObject:
                        Advance(path);
                        path.Add(new Segment(null, -1));
                        continue;
                    case JsonTokenType.StartArray:
                        Advance(path);
                        path.Add(new Segment(null, 0));
                        continue;
                    case JsonTokenType.EndObject or JsonTokenType.EndArray:
                        path.RemoveAt(path.Count - 1);
                        continue;
                    case JsonTokenType.String:
                        Advance(path);
                        if (ReadText(ref reader) is null)
                        {
                            return Render(path, null);
                        }

                        continue;
                    default:
                        Advance(path);
                        continue;
                }
            }
        }
        catch (JsonException)
        {
            // No JSON: the endpoint's own binding answers 400, as for any malformed body.
        }

        return null;
    }

    /// <summary>One level of the path: the current property of an object, or the next index of an array (-1 in an object).</summary>
    private readonly record struct Segment(string? Name, int Index);

    /// <summary>A value in an array moves the array's index on; the index names the value just read.</summary>
    private static void Advance(List<Segment> path)
    {
        if (path.Count > 0 && path[^1].Index >= 0)
        {
            path[^1] = path[^1] with { Index = path[^1].Index + 1 };
        }
    }

    private static string Render(List<Segment> path, string? last)
    {
        var text = new StringBuilder();
        foreach (var segment in path)
        {
            if (segment.Index >= 0)
            {
                text.Append('[').Append(segment.Index - 1).Append(']');
            }
            else if (segment.Name is not null)
            {
                text.Append(text.Length > 0 ? "." : "").Append(Printable(segment.Name));
            }
        }

        if (last is not null)
        {
            text.Append(text.Length > 0 ? " " : "").Append(last);
        }

        return text.Length == 0 ? "body" : text.ToString();
    }

    /// <summary>A property name as it may be echoed in a problem: at most 64 characters, controls shown as '?'.</summary>
    internal static string Printable(string name)
    {
        var cut = name.Length > 64 ? name[..64] + "…" : name;
        return string.Create(cut.Length, cut, (span, s) =>
        {
            for (var i = 0; i < s.Length; i++)
            {
                span[i] = char.IsControl(s[i]) ? '?' : s[i];
            }
        });
    }

    private static string? ReadText(ref Utf8JsonReader reader)
    {
        try
        {
            // Throws for bytes that are not UTF-8 and for an escaped lone surrogate (.NET's own check).
            // A NUL (\u0000) is valid JSON, but PostgreSQL refuses it in any text it is given.
            var text = reader.GetString();
            return text is not null && text.Contains('\0', StringComparison.Ordinal) ? null : text;
        }
        catch (InvalidOperationException)
        {
            return null;
        }
    }

    private static readonly string[] AcceptedCharsets = ["utf-8"];

    private static async Task RefuseCharsetAsync(HttpContext context, string charset, bool json)
    {
        var shown = charset.Length == 0 ? "(empty)" : charset.Length > 40 ? charset[..40] + "…" : charset;
        var problem = TypedResults.Problem(statusCode: StatusCodes.Status415UnsupportedMediaType, title: "Unsupported charset",
            detail: $"The body is declared as charset={shown}; Kabar reads only utf-8. Send the body as UTF-8, " +
                    "with charset=utf-8 or no charset in Content-Type.",
            extensions: new Dictionary<string, object?> { ["accepted"] = AcceptedCharsets });
        if (json || !WantsPage(context))
        {
            await WriteProblemAsync(context, problem);
            return;
        }

        var english = CitizenLanguage.Resolve(context) == CitizenLanguage.English;
        var encoded = WebUtility.HtmlEncode(shown);
        var back = WebUtility.HtmlEncode(context.Request.Path.Value ?? "/");
        await WritePageAsync(context, StatusCodes.Status415UnsupportedMediaType, english,
            english ? "The form could not be read" : "Formulir tidak dapat dibaca",
            english
                ? $"Your browser sent this form in the character encoding “{encoded}”. Kabar reads only UTF-8. Nothing was saved. <a href=\"{back}\">Open the form again</a> and send it once more; if it happens again, try another browser."
                : $"Peramban Anda mengirim formulir ini dengan pengodean karakter “{encoded}”. Kabar hanya membaca UTF-8. Tidak ada yang disimpan. <a href=\"{back}\">Buka formulir lagi</a> lalu kirim sekali lagi; jika terulang, coba peramban lain.");
    }

    /// <summary>Forms posted to the server-rendered pages, and pages a browser asks for, get a page back; the API and webhooks get problem details.</summary>
    internal static bool WantsPage(HttpContext context) =>
        !context.Request.Path.StartsWithSegments("/api") && !context.Request.Path.StartsWithSegments("/webhooks")
        && (context.Request.HasFormContentType
            || context.Request.GetTypedHeaders().Accept.Any(a => a.MediaType.Equals("text/html", StringComparison.OrdinalIgnoreCase)));

    internal static async Task WriteProblemAsync(HttpContext context, IResult problem)
    {
        context.Response.Headers.CacheControl = "no-store";
        await problem.ExecuteAsync(context);
    }

    /// <summary>A plain page in the citizen pages' style, in the person's language.</summary>
    internal static async Task WritePageAsync(HttpContext context, int status, bool english, string title, string paragraphHtml)
    {
        var response = context.Response;
        response.StatusCode = status;
        response.ContentType = "text/html; charset=utf-8";
        var lang = english ? "en" : "id";
        await response.WriteAsync(
            $"<!doctype html><html lang=\"{lang}\"><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">" +
            $"<link rel=\"stylesheet\" href=\"/css/kabar.css\"><title>{title}</title><main class=\"page\"><h1>{title}</h1><p>{paragraphHtml}</p></main></html>",
            context.RequestAborted);
    }
}
