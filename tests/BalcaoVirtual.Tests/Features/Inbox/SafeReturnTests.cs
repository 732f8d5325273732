using BalcaoVirtual.Web.Features.Inbox;

namespace BalcaoVirtual.Tests.Features.Inbox;

public sealed class SafeReturnTests
{
    [TestCase("/inbox")]
    [TestCase("/inbox/conversations/abc-123")]
    [TestCase("/admin/audit?action=user.create&from=2026-11-01")]
    [TestCase("/inbox#lista")]
    public void SafeReturn_KeepsALocalPath(string path) => Assert.That(InboxPages.SafeReturn(path), Is.EqualTo(path));

    [TestCase(null)]
    [TestCase("")]
    [TestCase("inbox")]
    [TestCase("https://evil.example/x")]
    [TestCase("//evil.example/x")]
    [TestCase("/\t/evil.example/x")]
    [TestCase("/\n/evil.example/x")]
    [TestCase("/\r\n/evil.example")]
    [TestCase("/ /evil.example")]
    [TestCase("/\\evil.example")]
    [TestCase("/\\/evil.example")]
    [TestCase("\\\\evil.example")]
    [TestCase("/inbox//evil.example")]
    [TestCase("/\u0000/evil.example")]
    [TestCase("/\u00a0/evil.example")]
    [TestCase("/\u2028/evil.example")]
    [TestCase("/inbox/ação")]
    public void SafeReturn_SendsAnythingElseToTheInbox(string? returnTo) => Assert.That(InboxPages.SafeReturn(returnTo), Is.EqualTo("/inbox"));
}
