using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using BalcaoVirtual.Web.Infrastructure;

namespace BalcaoVirtual.Bench;

/// <summary>
/// One run of wrk (an independent load generator in C, far faster than the bench's own .NET client) with
/// bench/wrk/twilio.lua over a file of pre-signed webhooks: its rate, latency percentiles, and exactly which lines
/// (MessageSids) it sent, so the store can be checked for each afterwards.
/// </summary>
internal sealed partial record WrkRun(double Rate, double P50, double P90, double P99, int Ok, int Other, IReadOnlyList<int> SentLines, IReadOnlyList<int> Acknowledged)
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    /// <summary>Some thread sent more requests than its part of the file holds, so some MessageSids went twice.</summary>
    public bool Wrapped { get; init; }

    /// <summary>Requests that went out and got no answer before wrk stopped (at most one per connection).</summary>
    public int InFlight => SentLines.Count - Ok - Other;

    /// <summary>Writes <paramref name="lines"/> signed requests ("signature\tbody"), line i built by <paramref name="line"/>.</summary>
    public static async Task WriteRequestsAsync(string path, int lines, Func<int, Task<(string Signature, string Body)>> line)
    {
        await using var writer = new StreamWriter(path, append: false, new UTF8Encoding(false));
        for (var i = 0; i < lines; i++)
        {
            var (signature, body) = await line(i);
            await writer.WriteAsync(signature);
            await writer.WriteAsync('\t');
            await writer.WriteLineAsync(body);
        }
    }

    /// <summary>The request files already split, and for how many threads (a file serves several runs).</summary>
    private static readonly Dictionary<string, int> Split = new(StringComparer.Ordinal);

    /// <summary>Thread i of n reads "<paramref name="path"/>.i": lines i, i+n, ... (twilio.lua reads nothing else).</summary>
    private static async Task SplitPerThreadAsync(string path, int threads)
    {
        if (Split.GetValueOrDefault(path) == threads)
        {
            return;
        }

        var writers = Enumerable.Range(0, threads).Select(i => new StreamWriter($"{path}.{i}", append: false, new UTF8Encoding(false))).ToArray();
        try
        {
            var number = 0;
            await foreach (var line in File.ReadLinesAsync(path))
            {
                await writers[number++ % threads].WriteLineAsync(line);
            }
        }
        finally
        {
            foreach (var writer in writers)
            {
                await writer.DisposeAsync();
            }
        }

        Split[path] = threads;
    }

    /// <summary>
    /// wrk -t<paramref name="threads"/> -c<paramref name="connections"/> -d<paramref name="seconds"/>s at
    /// <paramref name="url"/>. With one connection per thread, <see cref="Acknowledged"/> is exact.
    /// </summary>
    public static async Task<WrkRun> RunAsync(string url, string requests, int threads, int connections, int seconds, double delayMs = 0)
    {
        var start = new ProcessStartInfo("wrk") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in new[] { $"-t{threads}", $"-c{connections}", $"-d{seconds}s", "--latency", "--timeout", "10s",
            "-s", Files.FindUpwards("bench/wrk/twilio.lua", AppContext.BaseDirectory) ?? throw new FileNotFoundException("bench/wrk/twilio.lua"), url })
        {
            start.ArgumentList.Add(arg);
        }

        await SplitPerThreadAsync(requests, threads);
        start.Environment["BALCAO_WRK_REQUESTS"] = requests;
        start.Environment["BALCAO_WRK_DELAY_MS"] = delayMs.ToString("F0", Inv);
        Process process;
        try
        {
            process = Process.Start(start)!;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            throw new InvalidOperationException("wrk is not installed: apt-get install wrk (bench/run-ingest.sh does it when run as root).");
        }

        using (process)
        {
            var output = process.StandardOutput.ReadToEndAsync();
            var error = process.StandardError.ReadToEndAsync();
            await process.WaitForExitAsync();
            var text = await output;
            if (process.ExitCode != 0 || !text.Contains("balcao: thread=", StringComparison.Ordinal))
            {
                throw new InvalidOperationException($"wrk failed ({process.ExitCode}):{Environment.NewLine}{text}{await error}");
            }

            return Parse(text, threads == connections);
        }
    }

    /// <summary>
    /// wrk's report. With one connection per thread (<paramref name="ordered"/>) each thread's answers came in the order
    /// of its requests, so the acknowledged ones are known exactly; otherwise none is claimed.
    /// </summary>
    internal static WrkRun Parse(string text, bool ordered)
    {
        double Percentile(string p) => Duration(Regex.Match(text, $@"^\s*{p}%\s+(\S+)", RegexOptions.Multiline).Groups[1].Value);
        var (sent, acknowledged, ok, other, wrapped) = (new List<int>(), new List<int>(), 0, 0, false);
        var threads = ThreadLine().Matches(text);
        foreach (Match thread in threads)
        {
            int Group(int i) => int.Parse(thread.Groups[i].Value, Inv);
            var (index, count, lines, answered) = (Group(1), Group(2), Group(3), Group(4));
            var failed = thread.Groups[5].Value.Split(',', StringSplitOptions.RemoveEmptyEntries).Select(f => int.Parse(f, Inv)).ToHashSet();
            // Thread i of n holds lines i, i+n, ...; it sends them in order.
            // wrk calls thread 0's request() once before the run to check the script: that first line is never sent.
            var skipped = index == 0 ? 1 : 0;
            // A thread that ran out of lines starts its part again (Wrapped): fine where nothing is stored (the bare endpoint,
            // warm-ups), not in a measured run at the service, where the repeats are stored once but counted in the rate.
            wrapped |= count > lines;
            var mine = Enumerable.Range(skipped, Math.Min(count, lines) - skipped).Select(k => index + (k * threads.Count)).ToList();
            sent.AddRange(mine);
            (ok, other) = (ok + answered - failed.Count, other + failed.Count);
            if (ordered)
            {
                acknowledged.AddRange(mine.Take(answered).Where((_, position) => !failed.Contains(position + 1)));
            }
        }

        return new WrkRun(double.Parse(RequestsPerSecond().Match(text).Groups[1].Value, Inv),
            Percentile("50"), Percentile("90"), Percentile("99"), ok, other, sent, acknowledged) { Wrapped = wrapped };
    }

    /// <summary>wrk's durations ("812.00us", "4.30ms", "1.02s") in milliseconds.</summary>
    private static double Duration(string value)
    {
        var unit = value.TrimStart("0123456789.".ToCharArray());
        var number = double.Parse(value[..^unit.Length], Inv);
        return unit switch { "us" => number / 1000, "ms" => number, "s" => number * 1000, "m" => number * 60_000, _ => double.NaN };
    }

    [GeneratedRegex(@"^Requests/sec:\s+([\d.]+)", RegexOptions.Multiline)]
    private static partial Regex RequestsPerSecond();

    [GeneratedRegex(@"^balcao: thread=(\d+) sent=(\d+) lines=(\d+) answered=(\d+) failed=([\d,]*)", RegexOptions.Multiline)]
    private static partial Regex ThreadLine();
}
