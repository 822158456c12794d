using System.Buffers;
using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using Kabar.Channels;
using Kabar.Common;
using Kabar.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using MimeKit;
using SmtpServer;
using SmtpServer.Mail;
using SmtpServer.Protocol;
using SmtpServer.Storage;

namespace Kabar.Tests.Channels;

/// <summary>
/// Kabar's channel services as the app registers them (defaults + <c>AddKabarChannels</c>), over
/// the given settings, a fake clock, a temp content root and captured logs. Not started.
/// </summary>
public sealed class ChannelHost : IAsyncDisposable
{
    private readonly WebApplication app;

    private ChannelHost(Dictionary<string, string?> settings)
    {
        ContentRoot = Path.Combine(Path.GetTempPath(), $"kabar-channels-{Guid.NewGuid():N}");
        Directory.CreateDirectory(ContentRoot);
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = "Testing", ContentRootPath = ContentRoot });
        builder.Configuration.AddInMemoryCollection(settings);
        builder.AddKabarDefaults();
        builder.AddKabarChannels();
        builder.Logging.AddProvider(Logs);
        builder.Services.RemoveAll<TimeProvider>();
        builder.Services.AddSingleton<TimeProvider>(Time);
        app = builder.Build();
    }

    public FakeTimeProvider Time { get; } = new(new DateTimeOffset(2026, 11, 25, 3, 0, 0, TimeSpan.Zero));

    public CapturedLogs Logs { get; } = new();

    public string ContentRoot { get; }

    public IServiceProvider Services => app.Services;

    public ISmsSender Sms => Services.GetRequiredService<ISmsSender>();

    public IEmailSender Email => Services.GetRequiredService<IEmailSender>();

    public static ChannelHost Create(Dictionary<string, string?> settings) => new(settings);

    public async ValueTask DisposeAsync()
    {
        await app.DisposeAsync();
        Directory.Delete(ContentRoot, recursive: true);
    }

    /// <summary>A loopback port with nothing listening on it: connections are refused.</summary>
    public static int ClosedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }
}

/// <summary>One request a <see cref="TestHttpServer"/> received.</summary>
public sealed record RecordedRequest(string Method, string Path, string? Authorization, string? ContentType, string Body);

/// <summary>A real Kestrel listener on 127.0.0.1 with a free port, answering with the given handler.</summary>
public sealed class TestHttpServer : IAsyncDisposable
{
    private readonly WebApplication app;

    private TestHttpServer(WebApplication app) => this.app = app;

    public ConcurrentQueue<RecordedRequest> Requests { get; } = new();

    public string Url => app.Urls.First();

    public static async Task<TestHttpServer> StartAsync(Func<HttpContext, Task> handler)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var server = new TestHttpServer(app);
        app.Run(async context =>
        {
            using var reader = new StreamReader(context.Request.Body);
            var body = await reader.ReadToEndAsync(context.RequestAborted);
            server.Requests.Enqueue(new RecordedRequest(
                context.Request.Method,
                context.Request.Path + context.Request.QueryString,
                context.Request.Headers.Authorization.FirstOrDefault(),
                context.Request.ContentType,
                body));
            await handler(context);
        });
        await app.StartAsync();
        return server;
    }

    public static Func<HttpContext, Task> Answer(int status, string body, string contentType = "application/json") => async context =>
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = contentType;
        await context.Response.WriteAsync(body);
    };

    public async ValueTask DisposeAsync() => await app.DisposeAsync();
}

/// <summary>
/// A real SMTP server (the SmtpServer package) on 127.0.0.1 with a free port, keeping every message
/// it accepts. It can require a login, refuse recipients with 550, or stay silent after DATA.
/// </summary>
public sealed class TestSmtpServer : IAsyncDisposable
{
    private readonly SmtpServer.SmtpServer server;
    private readonly CancellationTokenSource stop = new();

    private TestSmtpServer(SmtpServer.SmtpServer server, int port)
    {
        this.server = server;
        Port = port;
        _ = server.StartAsync(stop.Token);
    }

    public int Port { get; }

    public ConcurrentQueue<MimeMessage> Messages { get; } = new();

    public ConcurrentQueue<string> Logins { get; } = new();

    /// <summary>Completes when a message's DATA has arrived, before the server answers it.</summary>
    public TaskCompletionSource DataArrived { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Starts listening; <paramref name="port"/> is one chosen beforehand (a mail server that comes up later), a free one when null.</summary>
    public static async Task<TestSmtpServer> StartAsync(
        (string User, string Password)? login = null, Func<string, bool>? acceptRecipient = null, bool silentAfterData = false, int? port = null)
    {
        var listenOn = port ?? ChannelHost.ClosedPort();
        var options = new SmtpServerOptionsBuilder()
            .ServerName("localhost")
            .Endpoint(b => b
                .Endpoint(new IPEndPoint(IPAddress.Loopback, listenOn))
                .AllowUnsecureAuthentication(login is not null)
                .AuthenticationRequired(login is not null))
            .Build();
        TestSmtpServer? self = null;
        var services = new SmtpServer.ComponentModel.ServiceProvider();
        services.Add(new CapturingStore(() => self!, silentAfterData));
        services.Add(new RecipientFilter(acceptRecipient ?? (_ => true)));
        if (login is { } credentials)
        {
            services.Add(new SmtpServer.Authentication.DelegatingUserAuthenticator((user, password) =>
            {
                self!.Logins.Enqueue(user);
                return user == credentials.User && password == credentials.Password;
            }));
        }

        self = new TestSmtpServer(new SmtpServer.SmtpServer(options, services), listenOn);
        await self.WaitUntilListeningAsync();
        return self;
    }

    private async Task WaitUntilListeningAsync()
    {
        for (var i = 0; i < 100; i++)
        {
            try
            {
                using var probe = new TcpClient();
                await probe.ConnectAsync(IPAddress.Loopback, Port);
                return;
            }
            catch (SocketException)
            {
                await Task.Delay(20);
            }
        }

        throw new InvalidOperationException($"The test SMTP server did not listen on {Port}.");
    }

    public async ValueTask DisposeAsync()
    {
        server.Shutdown();
        await stop.CancelAsync();
        try
        {
            await server.ShutdownTask.WaitAsync(TimeSpan.FromSeconds(5));
        }
        catch (Exception ex) when (ex is OperationCanceledException or TimeoutException)
        {
        }

        stop.Dispose();
    }

    private sealed class CapturingStore(Func<TestSmtpServer> server, bool silentAfterData) : MessageStore
    {
        public override async Task<SmtpResponse> SaveAsync(ISessionContext context, IMessageTransaction transaction, ReadOnlySequence<byte> buffer, CancellationToken cancellationToken)
        {
            using var stream = new MemoryStream(buffer.ToArray());
            var message = await MimeMessage.LoadAsync(stream, cancellationToken);
            server().DataArrived.TrySetResult();
            if (silentAfterData)
            {
                await Task.Delay(Timeout.Infinite, cancellationToken);
            }

            server().Messages.Enqueue(message);
            return SmtpResponse.Ok;
        }
    }

    private sealed class RecipientFilter(Func<string, bool> accept) : MailboxFilter
    {
        public override Task<bool> CanDeliverToAsync(ISessionContext context, IMailbox to, IMailbox from, CancellationToken cancellationToken) =>
            Task.FromResult(accept(to.AsAddress()));
    }
}
