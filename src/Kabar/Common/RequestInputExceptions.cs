using System.Text;
using System.Text.Json;
using Kabar.Web;
using Microsoft.AspNetCore.Diagnostics;

namespace Kabar.Common;

/// <summary>
/// Exceptions that come from what the client sent, not from Kabar: a body cut off or abandoned
/// half-way, a form the form reader cannot read, bytes that do not decode. Each is answered with
/// the 4xx it deserves and one Information line (Debug when the client already left); none is an
/// unhandled error. Anything else is left to the default handler: a 500 logged as an error.
/// </summary>
internal sealed partial class RequestInputExceptions(ILogger<RequestInputExceptions> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext context, Exception exception, CancellationToken cancellationToken)
    {
        var route = (context.GetEndpoint() as RouteEndpoint)?.RoutePattern.RawText ?? "(no route)";
        if (context.RequestAborted.IsCancellationRequested && exception is OperationCanceledException or IOException)
        {
            // The client closed the connection: nobody is left to answer.
            LogClientLeft(logger, context.Request.Method, route, exception.GetType().Name);
            return true;
        }

        var (status, reason) = exception switch
        {
            BadHttpRequestException bad => (bad.StatusCode, bad.Message),
            InvalidDataException invalid => (StatusCodes.Status400BadRequest, $"The body could not be read: {invalid.Message}"),
            DecoderFallbackException => (StatusCodes.Status400BadRequest, "The body is not valid UTF-8 text."),
            JsonException json => (StatusCodes.Status400BadRequest, $"The body is not valid JSON for this endpoint: {json.Message}"),
            IOException io when io.InnerException is BadHttpRequestException inner => (inner.StatusCode, inner.Message),
            _ => (0, ""),
        };
        if (status == 0 || context.Response.HasStarted)
        {
            return false;
        }

        LogRefused(logger, context.Request.Method, route, status, reason);
        context.Response.Clear();
        if (RequestBodies.WantsPage(context) || IsPage(context))
        {
            var english = CitizenLanguage.Resolve(context) == CitizenLanguage.English;
            await RequestBodies.WritePageAsync(context, status, english,
                english ? "The form could not be read" : "Formulir tidak dapat dibaca",
                english
                    ? "What your browser sent did not arrive whole or could not be read. Nothing was saved. Go back and send the form once more."
                    : "Data yang dikirim peramban Anda tidak sampai utuh atau tidak dapat dibaca. Tidak ada yang disimpan. Kembali lalu kirim formulir sekali lagi.");
            return true;
        }

        await RequestBodies.WriteProblemAsync(context, TypedResults.Problem(statusCode: status,
            title: status == StatusCodes.Status413PayloadTooLarge ? "Body too large" : "Bad request", detail: reason));
        return true;
    }

    /// <summary>A Razor page (citizen or console) rather than an API endpoint.</summary>
    private static bool IsPage(HttpContext context) =>
        context.GetEndpoint()?.Metadata.GetMetadata<Microsoft.AspNetCore.Mvc.RazorPages.CompiledPageActionDescriptor>() is not null;

    [LoggerMessage(Level = LogLevel.Debug, Message = "The client left before {Method} {Route} was read ({Exception})")]
    private static partial void LogClientLeft(ILogger logger, string method, string route, string exception);

    [LoggerMessage(Level = LogLevel.Information, Message = "Refused {Method} {Route} with {Status}: {Reason}")]
    private static partial void LogRefused(ILogger logger, string method, string route, int status, string reason);
}
