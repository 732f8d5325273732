using System.Text.RegularExpressions;

namespace BalcaoVirtual.IntegrationTests.Support;

/// <summary>
/// A store script as a crash leaves it when the store recovers only its first writes (Garnet 2.2.8 after SIGKILL, seen
/// in CrashSafetyTests): every write after the first <c>writes</c> does nothing, the reads still run.
/// </summary>
internal static partial class TornScripts
{
    public static string CutAfter(string script, int writes) =>
        $"local done = 0\nlocal function write(...)\n  done = done + 1\n  if done > {writes} then return false end\n  return redis.call(...)\nend\n" +
        Writes().Replace(script, "write('$1'") + "\n";

    [GeneratedRegex(@"redis\.call\('(SET|HSET|RPUSH|LPUSH|RPOP|LPOP|ZADD|ZREM|DEL|LREM)'", RegexOptions.IgnoreCase)]
    private static partial Regex Writes();
}
