using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace BalcaoVirtual.Tests.Fuzz;

/// <summary>
/// Runs a check over many generated inputs, each from its own seed (so any failure is reproduced from its number), on
/// every core. A failure (an exception where none may be, a broken property) or an input that hangs stops the run and
/// fails the test with the input's number and a preview; the input itself is written to <c>fuzz-failures/</c> in the
/// test's folder. BALCAO_FUZZ_SCALE multiplies the number of inputs (bench/run-fuzz.sh runs ten times as many) and
/// BALCAO_FUZZ_SEED moves the whole run to other inputs.
/// </summary>
internal static class Fuzzer
{
    /// <summary>
    /// An input still running after this long is a hang (an endless loop, runaway backtracking): the others take
    /// microseconds. This is the watchdog's limit, not a speed requirement.
    /// </summary>
    private static readonly TimeSpan HangLimit = TimeSpan.FromSeconds(20);

    public static int Scale =>
        int.TryParse(Environment.GetEnvironmentVariable("BALCAO_FUZZ_SCALE"), NumberStyles.None, CultureInfo.InvariantCulture, out var s) && s > 0 ? s : 1;

    private static int BaseSeed =>
        int.TryParse(Environment.GetEnvironmentVariable("BALCAO_FUZZ_SEED"), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var s) ? s : 20261123;

    /// <summary>
    /// Generates <paramref name="iterations"/> (times the scale) inputs and checks each. <paramref name="show"/> turns an
    /// input into what is written to the failure file.
    /// </summary>
    public static void Run<T>(string target, int iterations, Func<Random, T> generate, Action<T> check, Func<T, byte[]> show)
    {
        var total = (long)iterations * Scale;
        var workers = Math.Max(2, Environment.ProcessorCount);
        var next = -1L;
        var started = new long[workers];
        var current = new long[workers];
        Failure? failure = null;
        var threads = Enumerable.Range(0, workers).Select(w => new Thread(() =>
        {
            long i;
            while (Volatile.Read(ref failure) is null && (i = Interlocked.Increment(ref next)) < total)
            {
                Volatile.Write(ref current[w], i);
                Volatile.Write(ref started[w], Stopwatch.GetTimestamp());
                var input = default(T);
                try
                {
                    input = generate(new Random(SeedOf(target, i)));
                    check(input);
                }
                catch (Exception ex)
                {
                    Interlocked.CompareExchange(ref failure, new Failure(i, ex, input is null ? [] : show(input)), null);
                }

                Volatile.Write(ref started[w], 0);
            }
        })
        { IsBackground = true, Name = $"fuzz {target} {w}" }).ToList();
        threads.ForEach(t => t.Start());
        while (threads.Find(t => t.IsAlive) is { } alive)
        {
            alive.Join(200); // the one found alive may have ended since; Join returns at once then
            for (var w = 0; w < workers; w++)
            {
                var since = Volatile.Read(ref started[w]);
                if (since != 0 && Stopwatch.GetElapsedTime(since) > HangLimit)
                {
                    var i = Volatile.Read(ref current[w]);
                    var input = generate(new Random(SeedOf(target, i)));
                    Report(target, new Failure(i, new TimeoutException($"still running after {HangLimit.TotalSeconds:F0} s"), show(input)));
                }
            }
        }

        if (failure is not null)
        {
            Report(target, failure);
        }

        TestContext.Out.WriteLine($"{target}: {total.ToString("N0", CultureInfo.InvariantCulture)} inputs (seed {BaseSeed.ToString(CultureInfo.InvariantCulture)})");
    }

    /// <summary>The same for text inputs.</summary>
    public static void Run(string target, int iterations, Func<Random, string> generate, Action<string> check) =>
        Run(target, iterations, generate, check, Encoding.UTF8.GetBytes);

    /// <summary>The same for byte inputs.</summary>
    public static void Run(string target, int iterations, Func<Random, byte[]> generate, Action<byte[]> check) =>
        Run(target, iterations, generate, check, b => b);

    /// <summary>The seed of input <paramref name="i"/>: the same on every machine and run (SplitMix64 over seed, target, index).</summary>
    private static int SeedOf(string target, long i)
    {
        var x = unchecked((ulong)BaseSeed * 0x9E3779B97F4A7C15UL);
        foreach (var c in target)
        {
            x = unchecked((x ^ c) * 0xBF58476D1CE4E5B9UL);
        }

        x = unchecked(x + ((ulong)i * 0x94D049BB133111EBUL));
        x = unchecked((x ^ (x >> 30)) * 0xBF58476D1CE4E5B9UL);
        x = unchecked((x ^ (x >> 27)) * 0x94D049BB133111EBUL);
        return (int)(x ^ (x >> 31));
    }

    private static void Report(string target, Failure failure)
    {
        var folder = Path.Combine(TestContext.CurrentContext.WorkDirectory, "fuzz-failures");
        Directory.CreateDirectory(folder);
        var file = Path.Combine(folder, $"{target}-{failure.Index.ToString(CultureInfo.InvariantCulture)}.bin");
        File.WriteAllBytes(file, failure.Input);
        var preview = Preview(failure.Input);
        Assert.Fail($"""
            {target}: input #{failure.Index.ToString(CultureInfo.InvariantCulture)} (BALCAO_FUZZ_SEED={BaseSeed.ToString(CultureInfo.InvariantCulture)}) failed: {failure.Error.GetType().Name}: {failure.Error.Message}
            input ({failure.Input.Length.ToString(CultureInfo.InvariantCulture)} bytes, in {file}): {preview}
            {failure.Error.StackTrace}
            """);
    }

    private static string Preview(byte[] input)
    {
        var text = Encoding.UTF8.GetString(input, 0, Math.Min(input.Length, 400));
        var escaped = new StringBuilder();
        foreach (var c in text)
        {
            escaped.Append(c is >= ' ' and < (char)127 ? c.ToString() : $"\\u{(int)c:x4}");
        }

        return escaped + (input.Length > 400 ? "…" : "");
    }

    private sealed record Failure(long Index, Exception Error, byte[] Input);
}
