using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Options;

namespace Kabar.Common;

public static class HostingExtensions
{
    public const string DefaultUrl = "http://127.0.0.1:5080";

    /// <summary>JSON, problem details, options, the clock, masked logs and the default address.</summary>
    public static WebApplicationBuilder AddKabarDefaults(this WebApplicationBuilder builder)
    {
        if (string.IsNullOrWhiteSpace(builder.Configuration["urls"]) && string.IsNullOrWhiteSpace(builder.Configuration["http_ports"]))
        {
            builder.WebHost.UseUrls(DefaultUrl);
        }

        builder.Services.Configure<JsonOptions>(o =>
        {
            o.SerializerOptions.Converters.Add(new JsonStringEnumConverter());
            o.SerializerOptions.DefaultIgnoreCondition = JsonIgnoreCondition.Never;
        });
        builder.Services.AddProblemDetails(o => o.CustomizeProblemDetails = context =>
        {
            // A body that is not valid JSON, or of the wrong shape, says so instead of a bare 400.
            if (context.Exception is BadHttpRequestException bad)
            {
                context.ProblemDetails.Detail = bad.InnerException is System.Text.Json.JsonException json
                    ? $"The body is not valid JSON for this endpoint: {json.Message}"
                    : bad.Message;
            }
        });

        builder.Services.AddExceptionHandler<RequestInputExceptions>();

        AddOptions<KabarOptions>(builder.Services, KabarOptions.Section);
        AddOptions<OfficeOptions>(builder.Services, OfficeOptions.Section);
        AddOptions<PolicyOptions>(builder.Services, PolicyOptions.Section)
            .Validate(o => TryFindTimeZone(o.TimeZone), "Kabar:Policy:TimeZone must be an IANA time zone such as Asia/Jakarta.");

        builder.Services.AddSingleton(builder.DataFolder());
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<CrashPoints>();
        MaskingLoggerProvider.AddTo(builder.Services);
        if (builder.Configuration.GetValue<bool>("Kabar:Logging:Json"))
        {
            builder.Logging.AddJsonConsole();
        }

        return builder;
    }

    /// <summary>The data folder this host's settings name (<c>Kabar:DataPath</c>, under the content root).</summary>
    public static DataFolder DataFolder(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return Common.DataFolder.From(builder.Configuration, builder.Environment.ContentRootPath);
    }

    private static OptionsBuilder<T> AddOptions<T>(IServiceCollection services, string section) where T : class =>
        services.AddOptionsWithValidateOnStart<T>().BindConfiguration(section).ValidateDataAnnotations();

    private static bool TryFindTimeZone(string id) => TimeZoneInfo.TryFindSystemTimeZoneById(id, out _);

    /// <summary>
    /// Unhandled errors become a 500 problem without internals; bad requests become 400 problems;
    /// bodies that are cut off or cannot be read, and queries holding a NUL, are answered by
    /// <see cref="RequestInputExceptions"/> without an error line.
    /// </summary>
    public static WebApplication UseKabarDefaults(this WebApplication app)
    {
        app.UseExceptionHandler(new ExceptionHandlerOptions
        {
            StatusCodeSelector = ex => ex is BadHttpRequestException bad ? bad.StatusCode : StatusCodes.Status500InternalServerError,
            // The client's mistake, answered and logged by RequestInputExceptions: not an unhandled error.
            SuppressDiagnosticsCallback = c => c.ExceptionHandledBy == Microsoft.AspNetCore.Diagnostics.ExceptionHandledType.ExceptionHandlerService,
        });
        app.UseStatusCodePages();
        // No value Kabar reads may hold a NUL, and PostgreSQL refuses one in any text it is given:
        // a query that decodes to one is the client's mistake, answered like a body that cannot
        // be read (a 400 page or problem naming the parameter), before any page or API sees it.
        app.Use((context, next) =>
        {
            if (context.Request.QueryString.Value?.Contains("%00", StringComparison.Ordinal) == true
                && context.Request.Query.FirstOrDefault(p => p.Value.Any(v => v?.Contains('\0', StringComparison.Ordinal) == true)).Key is { } name)
            {
                throw new BadHttpRequestException(
                    $"The query parameter '{RequestBodies.Printable(name)}' holds a NUL character (%00), which no value Kabar reads may hold.",
                    StatusCodes.Status400BadRequest);
            }

            return next(context);
        });
        return app;
    }
}
