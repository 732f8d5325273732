using System.Diagnostics.Metrics;

namespace BalcaoVirtual.Web.Infrastructure.Telemetry;

/// <summary>
/// The service's own measurements (meter "BalcaoVirtual"), exported for Prometheus at /metrics: messages in and out
/// per channel, send failures by code, queue depth and age, SLA alerts, DataJud latency. Tags carry channels, codes and
/// kinds only, never a person.
/// </summary>
public sealed class BalcaoMetrics : IDisposable
{
    public const string MeterName = "BalcaoVirtual";

    private readonly Meter meter;
    private readonly Counter<long> messagesIn;
    private readonly Counter<long> messagesOut;
    private readonly Counter<long> sendFailures;
    private readonly Counter<long> slaAlerts;
    private readonly Histogram<double> dataJud;

    public BalcaoMetrics(IMeterFactory factory)
    {
        meter = factory.Create(MeterName);
        messagesIn = meter.CreateCounter<long>("balcao.messages.in", "{message}", "Messages from citizens stored (duplicates not counted)");
        messagesOut = meter.CreateCounter<long>("balcao.messages.out", "{message}", "Messages accepted by a provider");
        sendFailures = meter.CreateCounter<long>("balcao.send.failures", "{message}", "Send attempts that failed, by error code");
        slaAlerts = meter.CreateCounter<long>("balcao.sla.alerts", "{alert}", "SLA warnings, breaches and escalations delivered");
        dataJud = meter.CreateHistogram<double>("balcao.datajud.duration", "s", "Time DataJud took to answer a case-status query");
        meter.CreateObservableGauge("balcao.outbox.pending", () => OutboxPending, "{message}", "Outbound messages queued or being sent");
        meter.CreateObservableGauge("balcao.outbox.oldest.age", () => OutboxOldestAgeSeconds, "s", "Age of the oldest message waiting to be sent");
        meter.CreateObservableGauge("balcao.sla.waiting", () => Waiting, "{conversation}", "Conversations waiting for a unit");
        meter.CreateObservableGauge("balcao.sla.overdue", () => Overdue, "{conversation}", "Conversations waiting past their deadline");
    }

    /// <summary>Sampled from the store every few seconds (<see cref="MetricsSampler"/>): gauges never block a scrape.</summary>
    internal long OutboxPending { get; set; }

    internal double OutboxOldestAgeSeconds { get; set; }

    internal long Waiting { get; set; }

    internal long Overdue { get; set; }

    public void MessageIn(string channel) => messagesIn.Add(1, new KeyValuePair<string, object?>("channel", channel));

    public void MessageOut(string channel) => messagesOut.Add(1, new KeyValuePair<string, object?>("channel", channel));

    public void SendFailed(string channel, string code) =>
        sendFailures.Add(1, new KeyValuePair<string, object?>("channel", channel), new KeyValuePair<string, object?>("code", code));

    public void SlaAlert(string kind) => slaAlerts.Add(1, new KeyValuePair<string, object?>("kind", kind));

    public void DataJudAnswered(TimeSpan took, string outcome) =>
        dataJud.Record(took.TotalSeconds, new KeyValuePair<string, object?>("outcome", outcome));

    public void Dispose() => meter.Dispose();
}
