namespace Kabar.Channels;

/// <summary>Sends to the in-process <see cref="SmsSimulator"/>.</summary>
internal sealed class SimulatorSmsSender(SmsSimulator simulator) : ISmsSender
{
    public string Provider => "Simulator";

    public Task<ChannelSendResult> SendAsync(SmsMessage message, CancellationToken ct) => Task.FromResult(simulator.Take(message));
}
