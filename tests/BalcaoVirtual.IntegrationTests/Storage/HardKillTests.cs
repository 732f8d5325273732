using System.Diagnostics;
using System.Globalization;
using BalcaoVirtual.IntegrationTests.Api;
using BalcaoVirtual.IntegrationTests.Support;
using StackExchange.Redis;

namespace BalcaoVirtual.IntegrationTests.Storage;

/// <summary>
/// The documented guarantee of the default (Storage:Durability=Always): the service process is killed with
/// SIGKILL right after its embedded store acknowledged writes, and every one of them is there after a restart.
/// </summary>
[NonParallelizable]
public sealed class HardKillTests
{
    [Test]
    public async Task EmbeddedStore_LosesNoAcknowledgedWrite_WhenServiceIsKilledHard()
    {
        var dataDir = TestServers.TempDir("hardkill");
        var port = TestServers.FreePort();
        const int writes = 500;

        using (var first = await ServiceProcess.StartAsync(dataDir, port))
        {
            await using var redis = await ConnectionMultiplexer.ConnectAsync($"127.0.0.1:{port}");
            var db = redis.GetDatabase();
            await Task.WhenAll(Enumerable.Range(0, writes).Select(i => Task.WhenAll(
                db.StringIncrementAsync("hk:counter"),
                db.StringSetAsync($"hk:item:{i}", i))));
            first.KillHard();
        }

        using var second = await ServiceProcess.StartAsync(dataDir, port);
        await using var again = await ConnectionMultiplexer.ConnectAsync($"127.0.0.1:{port}");
        var db2 = again.GetDatabase();
        var counter = (long)await db2.StringGetAsync("hk:counter");
        var items = await db2.StringGetAsync(Enumerable.Range(0, writes).Select(i => (RedisKey)$"hk:item:{i}").ToArray());

        Assert.That(counter, Is.EqualTo(writes));
        Assert.That(items.Count(v => v.HasValue), Is.EqualTo(writes));
        second.KillHard();
        Directory.Delete(dataDir, recursive: true);
    }

    private sealed class ServiceProcess : IDisposable
    {
        private readonly Process process;

        private ServiceProcess(Process process) => this.process = process;

        public static async Task<ServiceProcess> StartAsync(string dataDir, int storePort)
        {
            var dll = Path.Combine(AppContext.BaseDirectory, "BalcaoVirtual.Web.dll");
            var start = new ProcessStartInfo("dotnet")
            {
                WorkingDirectory = dataDir,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                ArgumentList =
                {
                    dll, "--urls=http://127.0.0.1:0", "--Storage:Mode=Embedded",
                    $"--Storage:DataDir={Path.Combine(dataDir, "data")}",
                    $"--Storage:EmbeddedPort={storePort.ToString(CultureInfo.InvariantCulture)}",
                    $"--Units:Catalog={StartupErrorTests.RepoFile("deploy/units/trt8.sample.json")}",
                    "--Auth:BootstrapAdmin:Password=senha-de-teste-123",
                },
            };
            var process = Process.Start(start)!;
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
            var service = new ServiceProcess(process);
            await TestServers.WaitUntilAsync(async () =>
            {
                if (process.HasExited)
                {
                    Assert.Fail($"the service exited with code {process.ExitCode} before its store answered");
                }

                try
                {
                    await using var c = await ConnectionMultiplexer.ConnectAsync($"127.0.0.1:{storePort},connectTimeout=500");
                    return c.IsConnected;
                }
                catch (RedisConnectionException)
                {
                    return false;
                }
            }, TimeSpan.FromSeconds(60), "the service's embedded store to answer");
            return service;
        }

        public void KillHard()
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true); // SIGKILL on Linux
                process.WaitForExit();
            }
        }

        public void Dispose()
        {
            KillHard();
            process.Dispose();
        }
    }
}
