using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using BalcaoVirtual.IntegrationTests.Support;
using BalcaoVirtual.Web.Features.Conversations;
using BalcaoVirtual.Web.Features.Court;
using Microsoft.Extensions.DependencyInjection;

namespace BalcaoVirtual.IntegrationTests.Api;

/// <summary>The inbox list: order by due time, filters, search, paging, and the unit rule.</summary>
public sealed class InboxApiTests
{
    [Test]
    public async Task ApiAnswers_CarryTheServicesClock_ForTheInboxCountdowns()
    {
        // The page counts deadlines against this, not against the clerk's PC (ADR 0005).
        await using var factory = new ApiFactory();
        using var client = await factory.AdminClientAsync();
        factory.Time.Advance(TimeSpan.FromDays(3));

        var response = await client.GetAsync("/api/inbox");

        Assert.That(response.Headers.GetValues("X-Server-Time").Single(), Is.EqualTo(factory.Time.GetUtcNow().ToUnixTimeMilliseconds().ToString(System.Globalization.CultureInfo.InvariantCulture)));
    }

    [Test]
    public async Task Inbox_OrdersByDue_Filters_Searches_AndPages()
    {
        await using var factory = new ApiFactory();
        var store = factory.Services.GetRequiredService<ConversationStore>();
        var now = factory.Time.GetUtcNow();
        using var clerk = await factory.ClientForNewUserAsync("clerk.inbox@trt8.jus.br", clerkOf: ["trt8-vt-macapa-7"]);
        var clerkId = (await clerk.GetFromJsonAsync<JsonElement>("/api/auth/me")).GetProperty("id").GetString();
        var number = CnjNumber.Create(4321, 2025, 5, 8, 210).Canonical;

        Conversation Make(string id, string unit, Channel channel, string contact, ConversationState state, DateTimeOffset? due, int minutes) => new()
        {
            Id = id, UnitId = unit, Channel = channel, ContactAddress = contact, State = state, DueAt = due,
            WaitingSince = now, CreatedAt = now, LastActivityAt = now.AddMinutes(minutes),
        };

        await store.SaveAsync(Make("a1-c1", "trt8-vt-macapa-7", Channel.WhatsApp, "whatsapp:+5596981111111", ConversationState.Waiting, now.AddHours(10), 0));
        await store.SaveAsync(Make("a2-c2", "trt8-vt-macapa-7", Channel.Sms, "+5596982222222", ConversationState.Waiting, now.AddHours(-1), 1) with { ProcessNumbers = [number] });
        await store.SaveAsync(Make("a3-c3", "trt8-vt-macapa-7", Channel.WhatsApp, "whatsapp:+5596983333333", ConversationState.Waiting, null, 2) with { AssigneeId = clerkId });
        await store.SaveAsync(Make("a4-c4", "trt8-vt-macapa-7", Channel.WhatsApp, "whatsapp:+5596984444444", ConversationState.Answered, null, 3));
        await store.SaveAsync(Make("a5-c5", "trt8-vt-belem-1", Channel.WhatsApp, "whatsapp:+5591985555555", ConversationState.Waiting, now.AddHours(-2), 4));

        async Task<(string[] Ids, long Total)> List(HttpClient who, string query)
        {
            var page = await who.GetFromJsonAsync<JsonElement>("/api/inbox?" + query);
            return ([.. page.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("id").GetString()!)], page.GetProperty("total").GetInt64());
        }

        Assert.Multiple(async () =>
        {
            Assert.That(await List(clerk, ""), Is.EqualTo((new[] { "a2-c2", "a1-c1", "a3-c3" }, 3L)), "by due time, no deadline last");
            Assert.That((await List(clerk, "channel=sms")).Ids, Is.EqualTo(new[] { "a2-c2" }));
            Assert.That((await List(clerk, "breached=true")).Ids, Is.EqualTo(new[] { "a2-c2" }));
            Assert.That((await List(clerk, "assignee=me")).Ids, Is.EqualTo(new[] { "a3-c3" }));
            Assert.That((await List(clerk, "assignee=none")).Ids, Is.EqualTo(new[] { "a2-c2", "a1-c1" }));
            Assert.That((await List(clerk, "q=2222")).Ids, Is.EqualTo(new[] { "a2-c2" }), "the phone's last four digits");
            Assert.That((await List(clerk, "q=" + Uri.EscapeDataString(number))).Ids, Is.EqualTo(new[] { "a2-c2" }), "a case number");
            Assert.That((await List(clerk, "q=5555")).Ids, Is.Empty, "another unit's conversation is not found");
            Assert.That((await List(clerk, "state=answered")).Ids, Is.EqualTo(new[] { "a4-c4" }));
            Assert.That(await List(clerk, "pageSize=2&page=2"), Is.EqualTo((new[] { "a3-c3" }, 3L)));
        });

        using var admin = await factory.AdminClientAsync();
        Assert.That((await List(admin, "")).Ids, Is.EqualTo(new[] { "a5-c5", "a2-c2", "a1-c1", "a3-c3" }));
        Assert.That((await clerk.GetAsync("/api/inbox?unit=trt8-vt-belem-1")).StatusCode, Is.EqualTo(HttpStatusCode.Forbidden));
        var bad = await clerk.GetAsync("/api/inbox?channel=fax&q=%3F%21&pageSize=500");
        Assert.That(bad.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That((await bad.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").EnumerateObject().Select(p => p.Name),
            Is.EquivalentTo(new[] { "channel", "q", "pageSize" }));

        // Answered, then moved: it leaves the due order and its unit's search.
        var moved = (await store.GetAsync("a1-c1"))!;
        await store.SaveAsync(moved with { UnitId = "trt8-vt-belem-1" });
        await store.IndexAsync(moved, moved with { UnitId = "trt8-vt-belem-1" });
        Assert.That((await List(clerk, "")).Ids, Is.EqualTo(new[] { "a2-c2", "a3-c3" }));
        Assert.That((await List(clerk, "q=1111")).Ids, Is.Empty);
    }

    /// <summary>
    /// The workspace's tabs read indexes of their own (who holds it, which channel) that follow every change, with the
    /// counts; an entry the record does not bear out is neither shown nor counted again.
    /// </summary>
    [Test]
    public async Task Tabs_ListAndCount_MineUnassignedAllBreached_ByChannel_AndFollowAClaim()
    {
        await using var factory = new ApiFactory();
        var store = factory.Services.GetRequiredService<ConversationStore>();
        var now = factory.Time.GetUtcNow();
        using var clerk = await factory.ClientForNewUserAsync("clerk.tabs@trt8.jus.br", clerkOf: ["trt8-vt-macapa-7"]);
        var clerkId = (await clerk.GetFromJsonAsync<JsonElement>("/api/auth/me")).GetProperty("id").GetString();
        Conversation Make(string id, Channel channel, ConversationState state, DateTimeOffset? due, string? holder = null) => new()
        {
            Id = id, UnitId = "trt8-vt-macapa-7", Channel = channel, ContactAddress = "whatsapp:+5596981111111", State = state, DueAt = due,
            WaitingSince = now, CreatedAt = now, LastActivityAt = now, AssigneeId = holder,
        };
        await store.SaveAsync(Make("b1-c1", Channel.WhatsApp, ConversationState.Waiting, now.AddHours(10)));
        await store.SaveAsync(Make("b2-c2", Channel.Sms, ConversationState.Waiting, now.AddHours(-1)));
        await store.SaveAsync(Make("b3-c3", Channel.WhatsApp, ConversationState.Waiting, null, clerkId));
        await store.SaveAsync(Make("b4-c4", Channel.Sms, ConversationState.Answered, null));

        async Task<(string[] Ids, string Counts)> Tab(string query)
        {
            var page = await clerk.GetFromJsonAsync<JsonElement>("/api/inbox?" + query);
            var c = page.GetProperty("counts");
            return ([.. page.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("id").GetString()!)],
                $"{c.GetProperty("mine")}/{c.GetProperty("unassigned")}/{c.GetProperty("all")}/{c.GetProperty("breached")}");
        }

        Assert.Multiple(async () =>
        {
            Assert.That(await Tab("tab=mine"), Is.EqualTo((new[] { "b3-c3" }, "1/2/3/1")));
            Assert.That((await Tab("tab=unassigned")).Ids, Is.EqualTo(new[] { "b2-c2", "b1-c1" }));
            Assert.That((await Tab("tab=breached")).Ids, Is.EqualTo(new[] { "b2-c2" }));
            Assert.That((await Tab("tab=all&channel=sms")).Ids, Is.EqualTo(new[] { "b2-c2" }), "by channel, waiting only");
            Assert.That((await clerk.GetAsync("/api/inbox?tab=todas")).StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        });

        Assert.That((await clerk.PostAsync("/api/conversations/b1-c1/claim", null)).IsSuccessStatusCode, Is.True);
        Assert.That(await Tab("tab=mine"), Is.EqualTo((new[] { "b1-c1", "b3-c3" }, "2/1/3/1")), "the claim moved it, by due time, no deadline last");
        Assert.That((await Tab("tab=unassigned")).Ids, Is.EqualTo(new[] { "b2-c2" }));

        // An entry left by a crash between a commit and its index step: not shown, and gone once seen.
        var keys = factory.Services.GetRequiredService<BalcaoVirtual.Web.Infrastructure.Storage.RedisKeys>();
        var db = factory.Services.GetRequiredService<BalcaoVirtual.Web.Infrastructure.Storage.RedisConnections>().GetDatabase();
        await db.SortedSetAddAsync(keys.UnitWaitingBy("trt8-vt-macapa-7", "none"), "b4-c4", 0);
        Assert.That((await Tab("tab=unassigned")).Ids, Is.EqualTo(new[] { "b2-c2" }));
        Assert.That(await db.SortedSetScoreAsync(keys.UnitWaitingBy("trt8-vt-macapa-7", "none"), "b4-c4"), Is.Null);
        Assert.That((await Tab("tab=unassigned")).Counts, Is.EqualTo("2/1/3/1"));
    }
}
