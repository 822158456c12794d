using System.Collections;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Kabar.Common;

/// <summary>
/// Wraps every logging provider so that no phone number or e-mail address reaches any sink
/// unmasked (SPEC §11): the formatted message, each structured value and the exception text are
/// all passed through <see cref="Pii.MaskText"/>.
/// </summary>
public sealed class MaskingLoggerProvider(ILoggerProvider inner) : ILoggerProvider, ISupportExternalScope
{
    public ILogger CreateLogger(string categoryName) => new MaskingLogger(inner.CreateLogger(categoryName));

    public void SetScopeProvider(IExternalScopeProvider scopeProvider)
    {
        if (inner is ISupportExternalScope scoped)
        {
            scoped.SetScopeProvider(scopeProvider);
        }
    }

    // The inner provider belongs to the container, which disposes it.
    public void Dispose()
    {
    }

    /// <summary>
    /// Replaces the logger factory with one whose every provider is masked, including providers
    /// registered later (test hosts add theirs after the application's composition).
    /// </summary>
    public static void AddTo(IServiceCollection services) =>
        services.Replace(ServiceDescriptor.Singleton<ILoggerFactory>(sp => new LoggerFactory(
            sp.GetServices<ILoggerProvider>().Select(p => new MaskingLoggerProvider(p)),
            sp.GetRequiredService<Microsoft.Extensions.Options.IOptionsMonitor<LoggerFilterOptions>>(),
            sp.GetService<Microsoft.Extensions.Options.IOptions<LoggerFactoryOptions>>(),
            sp.GetService<IExternalScopeProvider>())));

    private sealed class MaskingLogger(ILogger inner) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => inner.BeginScope(state);

        public bool IsEnabled(LogLevel logLevel) => inner.IsEnabled(logLevel);

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception,
            Func<TState, Exception?, string> formatter)
        {
            if (!inner.IsEnabled(logLevel))
            {
                return;
            }

            var masked = new MaskedState(Pii.MaskText(formatter(state, null)),
                state as IReadOnlyList<KeyValuePair<string, object?>>);
            inner.Log(logLevel, eventId, masked, exception is null ? null : new MaskedException(exception),
                static (s, _) => s.Message);
        }
    }

    private sealed class MaskedState(string message, IReadOnlyList<KeyValuePair<string, object?>>? values)
        : IReadOnlyList<KeyValuePair<string, object?>>
    {
        public string Message => message;

        public int Count => values?.Count ?? 1;

        public KeyValuePair<string, object?> this[int index]
        {
            get
            {
                if (values is null)
                {
                    return new("{OriginalFormat}", message);
                }

                var pair = values[index];
                return pair.Value switch
                {
                    string s when pair.Key != "{OriginalFormat}" => new(pair.Key, Pii.MaskText(s)),
                    null or string or ValueType => pair,
                    var other => new(pair.Key, Pii.MaskText(other.ToString())),
                };
            }
        }

        public IEnumerator<KeyValuePair<string, object?>> GetEnumerator()
        {
            for (var i = 0; i < Count; i++)
            {
                yield return this[i];
            }
        }

        IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

        public override string ToString() => message;
    }

    /// <summary>Carries the original exception's type and stack with masked message text.</summary>
    private sealed class MaskedException(Exception original)
        : Exception(Pii.MaskText(original.Message))
    {
        public override string? StackTrace => original.StackTrace;

        public override string ToString() => Pii.MaskText(original.ToString());
    }
}
