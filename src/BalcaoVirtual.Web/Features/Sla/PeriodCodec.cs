using System.Globalization;
using System.Text;
using System.Text.Json;
using BalcaoVirtual.Web.Features.Conversations;

namespace BalcaoVirtual.Web.Features.Sla;

/// <summary>A period as stored: its head (the field named by its seq, what conditional writes compare), its points and its end.</summary>
internal sealed record StoredFields(string Head, string? Points, string? End);

/// <summary>
/// How a waiting period is stored in its conversation's hash, as positional text in up to three fields, each short
/// enough (≤ 64 bytes as a rule) for Redis to keep a conversation's hash as one small listpack: a million pending
/// deadlines are a million of these. The conversation id and the seq are the key and the field name, not repeated.
/// <list type="bullet">
/// <item>"{seq}": <c>2|unit|channel|start|due|outcome|transferredFrom</c>, start in Unix ms, due in seconds after the
/// start (up to 3 decimals), outcome empty while open;</item>
/// <item>"{seq}p": the points, <c>w{at}:{before}</c>, <c>b{at}</c>, <c>e{at}</c> joined by ';', instants in seconds after
/// the start, before in seconds (keys "warning-1"…, "breach", "escalation" follow from their order);</item>
/// <item>"{seq}e", once ended: <c>end|answeredBy|late|transferredTo|reason|transferredBy</c>, end in seconds after the start.</item>
/// </list>
/// Trailing empty fields are left out; texts escape '%' and '|'. Periods written by earlier versions are JSON in "{seq}"
/// alone (they start with '{') and are still read.
/// </summary>
internal static class PeriodCodec
{
    private const string Version = "2";

    public static string PointsField(string head) => head + "p";

    public static string EndField(string head) => head + "e";

    public static StoredFields Encode(WaitingPeriod period)
    {
        ArgumentNullException.ThrowIfNull(period);
        if (period.Jobs is not null || !KeysFollowOrder(period.Points) || TextFields(period).Any(t => t is ""))
        {
            // Not as this version writes them (jobs of an earlier version, points of another clock, empty texts): kept whole.
            return new StoredFields(JsonSerializer.Serialize(period, SlaStore.Json), null, null);
        }

        var start = period.StartedAt.ToUnixTimeMilliseconds();
        var head = Join(
            Version, Escape(period.UnitId), Name(period.Channel), start.ToString(CultureInfo.InvariantCulture),
            period.DueAt is { } due ? Offset(start, due) : "", period.IsOpen ? "" : Name(period.Outcome), Escape(period.TransferredFrom));
        var points = string.Join(';', period.Points.Select(p => p.Kind switch
        {
            SlaEventKind.Warning => $"w{Offset(start, p.At)}:{Seconds(p.Before ?? TimeSpan.Zero)}",
            SlaEventKind.Breach => $"b{Offset(start, p.At)}",
            _ => $"e{Offset(start, p.At)}",
        }));
        var end = Join(
            period.EndedAt is { } ended ? Offset(start, ended) : "", Escape(period.AnsweredBy), period.Late is { } late ? Seconds(late) : "",
            Escape(period.TransferredTo), Escape(period.TransferReason), Escape(period.TransferredBy));
        return new StoredFields(head, points.Length == 0 ? null : points, end.Length == 0 ? null : end);
    }

    public static WaitingPeriod Decode(string conversationId, int seq, StoredFields stored)
    {
        ArgumentNullException.ThrowIfNull(stored);
        if (stored.Head.StartsWith('{'))
        {
            return JsonSerializer.Deserialize<WaitingPeriod>(stored.Head, SlaStore.Json)!;
        }

        var h = stored.Head.Split('|');
        var e = (stored.End ?? "").Split('|');
        if (h[0] != Version || h.Length < 4)
        {
            throw new FormatException($"unknown waiting period format '{h[0]}'");
        }

        var start = DateTimeOffset.FromUnixTimeMilliseconds(long.Parse(h[3], NumberStyles.Integer, CultureInfo.InvariantCulture));
        DateTimeOffset? Instant(string text) => text.Length == 0 ? null : start + ParseSeconds(text);
        var warnings = 0;
        var points = string.IsNullOrEmpty(stored.Points) ? [] : stored.Points.Split(';').Select(p => p[0] switch
        {
            'w' => new SlaPoint($"warning-{++warnings}", SlaEventKind.Warning, Instant(p[1..p.IndexOf(':', StringComparison.Ordinal)])!.Value,
                ParseSeconds(p[(p.IndexOf(':', StringComparison.Ordinal) + 1)..])),
            'b' => new SlaPoint("breach", SlaEventKind.Breach, Instant(p[1..])!.Value),
            'e' => new SlaPoint("escalation", SlaEventKind.Escalation, Instant(p[1..])!.Value),
            _ => throw new FormatException($"unknown check point '{p[0]}'"),
        }).ToList();
        return new WaitingPeriod
        {
            ConversationId = conversationId,
            Seq = seq,
            UnitId = Unescape(h[1])!,
            Channel = Enum.Parse<Channel>(h[2], ignoreCase: true),
            StartedAt = start,
            DueAt = Instant(At(h, 4)),
            Points = points,
            Outcome = At(h, 5).Length == 0 ? PeriodOutcome.Open : Enum.Parse<PeriodOutcome>(At(h, 5), ignoreCase: true),
            TransferredFrom = Unescape(At(h, 6)),
            EndedAt = Instant(At(e, 0)),
            AnsweredBy = Unescape(At(e, 1)),
            Late = At(e, 2).Length == 0 ? null : ParseSeconds(At(e, 2)),
            TransferredTo = Unescape(At(e, 3)),
            TransferReason = Unescape(At(e, 4)),
            TransferredBy = Unescape(At(e, 5)),
        };
    }

    private static string At(string[] fields, int i) => i < fields.Length ? fields[i] : "";

    private static string Join(params string[] fields) => string.Join('|', fields[..(Array.FindLastIndex(fields, f => f.Length > 0) + 1)]);

    private static string?[] TextFields(WaitingPeriod p) => [p.UnitId, p.AnsweredBy, p.TransferredFrom, p.TransferredTo, p.TransferReason, p.TransferredBy];

    /// <summary>Whether the points' keys are the ones their order gives back (as <see cref="SlaClock.Points"/> names them).</summary>
    private static bool KeysFollowOrder(IReadOnlyList<SlaPoint> points)
    {
        var warnings = 0;
        return points.All(p => p.Key == p.Kind switch
        {
            SlaEventKind.Warning => $"warning-{++warnings}",
            SlaEventKind.Breach => "breach",
            _ => "escalation",
        } && (p.Kind == SlaEventKind.Warning) == p.Before.HasValue);
    }

    private static string Offset(long startMs, DateTimeOffset at) => Seconds(TimeSpan.FromMilliseconds(at.ToUnixTimeMilliseconds() - startMs));

    /// <summary>Whole seconds as an integer, otherwise up to milliseconds ("172800", "0.25").</summary>
    private static string Seconds(TimeSpan span) =>
        ((decimal)(long)span.TotalMilliseconds / 1000m).ToString("0.###", CultureInfo.InvariantCulture);

    private static TimeSpan ParseSeconds(string text) =>
        TimeSpan.FromMilliseconds((double)(decimal.Parse(text, NumberStyles.AllowDecimalPoint | NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture) * 1000m));

    private static string Name<T>(T value) where T : struct, Enum => JsonNamingPolicy.CamelCase.ConvertName(value.ToString());

    private static string Escape(string? text) =>
        text is null ? "" : new StringBuilder(text).Replace("%", "%25").Replace("|", "%7C").ToString();

    private static string? Unescape(string text) => text.Length == 0 ? null : Uri.UnescapeDataString(text);
}
