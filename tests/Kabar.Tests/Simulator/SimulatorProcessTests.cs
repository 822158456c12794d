using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Kabar.Channels;

namespace Kabar.Tests.Simulator;

/// <summary><c>kabar simulator --urls URL</c> runs the simulator as its own process (SPEC §13).</summary>
public sealed class SimulatorProcessTests
{
    [Fact]
    public async Task SimulatorCommand_ServesSends()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        var url = $"http://127.0.0.1:{port}";

        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        info.ArgumentList.Add(typeof(Program).Assembly.Location);
        foreach (var arg in new[] { "simulator", "--urls", url })
        {
            info.ArgumentList.Add(arg);
        }

        info.Environment["Logging__LogLevel__Default"] = "Warning";
        using var process = Process.Start(info)!;
        try
        {
            var line = await process.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(30));
            Assert.True(line?.Contains("listening", StringComparison.Ordinal) == true,
                $"{line}\n{(process.HasExited ? await process.StandardError.ReadToEndAsync() : "")}");

            var (services, client) = SimulatorOverSockets.CreateClient(url);
            await using var _ = services;
            var result = await client.SendAsync(SimulatorOverSockets.Template("+6281277770040", "attempt-cli"), CancellationToken.None);

            Assert.Equal(SendOutcome.Accepted, result.Outcome);
            Assert.StartsWith("wamid.", result.MessageId);
        }
        finally
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }
    }

    [Fact]
    public async Task SimulatorCommand_WithoutUrls_ExitsNonZeroWithReason()
    {
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        info.ArgumentList.Add(typeof(Program).Assembly.Location);
        info.ArgumentList.Add("simulator");
        using var process = Process.Start(info)!;
        var error = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();

        Assert.NotEqual(0, process.ExitCode);
        Assert.Contains("--urls", error);
    }
}
