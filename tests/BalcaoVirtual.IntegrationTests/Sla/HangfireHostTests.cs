using BalcaoVirtual.IntegrationTests.Support;
using BalcaoVirtual.Web.Features.Sla;
using Hangfire;
using Microsoft.Extensions.DependencyInjection;

namespace BalcaoVirtual.IntegrationTests.Sla;

/// <summary>
/// Hangfire's storage and job activator belong to the host that runs them. Left to <c>AddHangfire</c>, both are read
/// from process-wide statics that the last host to start sets: with two hosts started side by side (the suite's
/// fixtures run two at a time), one node ran the other's SLA jobs in a container already disposed, and the alert
/// e-mails never came.
/// </summary>
public sealed class HangfireHostTests
{
    [Test]
    public async Task StorageAndActivator_AreTheHostsOwn_NotHangfiresStatics()
    {
        List<ServiceDescriptor> registered = [];
        await using var first = new ApiFactory { TestServices = services => registered = [.. services] };
        await using var second = new ApiFactory();
        var firstStorage = first.Services.GetRequiredService<JobStorage>();
        var secondStorage = second.Services.GetRequiredService<JobStorage>();

        Assert.Multiple(() =>
        {
            foreach (var type in new[] { typeof(JobStorage), typeof(JobActivator) })
            {
                var descriptor = registered.Single(d => d.ServiceType == type);
                Assert.That(descriptor.ImplementationFactory?.Method.DeclaringType?.Assembly, Is.EqualTo(typeof(SlaFeature).Assembly),
                    $"{type.Name} is registered by the service, not by Hangfire from its statics");
            }

            Assert.That(firstStorage, Is.Not.SameAs(secondStorage));
            Assert.That(firstStorage, Is.Not.SameAs(JobStorage.Current), "the first host keeps its storage after the second one started");
            Assert.That(first.Services.GetRequiredService<JobActivator>(), Is.Not.SameAs(second.Services.GetRequiredService<JobActivator>()));
        });
    }
}
