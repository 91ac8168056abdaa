using System;
using System.Buffers;
using System.Net.Security;
using System.Net.WebSockets;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using System.Threading;
using System.Threading.Tasks;
using Generated.OpenAI.WebSockets;
using Xunit;

namespace Generated.OpenAI.Runtime.Tests.WebSockets;

/// <summary>wss:// against Kestrel with a self-signed certificate made for the test.</summary>
public sealed class WebSocketConnectionTlsTests : IAsyncLifetime
{
    private readonly KestrelWebSocketServer _server = new();
    private X509Certificate2 _certificate = null!;

    public async Task InitializeAsync()
    {
        _certificate = CreateCertificate();
        _server.Certificate = _certificate;
        await _server.InitializeAsync();
    }

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        _certificate.Dispose();
    }

    [Fact(Timeout = 20_000)]
    public async Task Untrusted_certificate_is_rejected_by_default()
    {
        WebSocketConnectionException ex = await Assert.ThrowsAsync<WebSocketConnectionException>(
            async () => await WebSocketConnection.ConnectAsync(new Uri(_server.SecureBaseUri!, "/echo"), new WebSocketConnectionOptions(), CancellationToken.None));
        Assert.Equal(ShutdownReason.TransportError, ex.Reason);
        Assert.IsType<AuthenticationException>(ex.InnerException);
    }

    [Fact(Timeout = 20_000)]
    public async Task Validation_callback_can_pin_the_certificate_and_echo_works_over_tls()
    {
        string thumbprint = _certificate.Thumbprint;
        var options = new WebSocketConnectionOptions
        {
            RemoteCertificateValidationCallback = (_, certificate, _, _) => certificate is not null && certificate.GetCertHashString() == thumbprint,
        };
        await using WebSocketConnection connection = await WebSocketConnection.ConnectAsync(new Uri(_server.SecureBaseUri!, "/echo"), options, CancellationToken.None);
        byte[] payload = WebSocketTestData.Payload(70_000, text: false);
        Task<WebSocketReceivedMessage> receive = connection.ReceiveMessageAsync().AsTask();
        await connection.SendAsync(payload, WebSocketMessageType.Binary, true);
        WebSocketReceivedMessage message = await receive.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(payload, message.Payload.ToArray());
        await connection.CloseAsync(WebSocketCloseStatus.NormalClosure, null);
        Assert.Equal(ShutdownReason.LocalClose, connection.ShutdownReason);
    }

    /// <summary>A self-signed server certificate for localhost and 127.0.0.1, made for one test class (also the retention tests over TLS).</summary>
    internal static X509Certificate2 CreateCertificate() => TestCertificate.CreateSelfSigned();
}
