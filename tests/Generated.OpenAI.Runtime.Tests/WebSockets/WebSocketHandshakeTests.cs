using System;
using System.Text;
using Generated.OpenAI.WebSockets;
using Xunit;

namespace Generated.OpenAI.Runtime.Tests.WebSockets;

public sealed class WebSocketHandshakeTests
{
    [Fact]
    public void Accept_value_matches_the_rfc_6455_example()
        => Assert.Equal("s3pPLMBiTxaQ9kYGzzhZRbK+xOo=", WebSocketHandshake.ComputeAccept("dGhlIHNhbXBsZSBub25jZQ=="));

    [Fact]
    public void Request_uses_path_query_host_and_default_port_rules()
    {
        var options = new WebSocketConnectionOptions();
        options.SubProtocols.Add("realtime");
        options.Headers["Authorization"] = "Bearer sk-x";
        string request = Encoding.UTF8.GetString(WebSocketHandshake.BuildRequest(new Uri("wss://api.openai.com/v1/realtime?model=gpt-realtime"), "a2V5", options));
        Assert.StartsWith("GET /v1/realtime?model=gpt-realtime HTTP/1.1\r\nHost: api.openai.com\r\n", request, StringComparison.Ordinal);
        Assert.Contains("\r\nSec-WebSocket-Key: a2V5\r\n", request, StringComparison.Ordinal);
        Assert.Contains("\r\nSec-WebSocket-Version: 13\r\n", request, StringComparison.Ordinal);
        Assert.Contains("\r\nSec-WebSocket-Protocol: realtime\r\n", request, StringComparison.Ordinal);
        Assert.Contains("\r\nAuthorization: Bearer sk-x\r\n", request, StringComparison.Ordinal);
        Assert.EndsWith("\r\n\r\n", request, StringComparison.Ordinal);

        string withPort = Encoding.UTF8.GetString(WebSocketHandshake.BuildRequest(new Uri("ws://localhost:8080/x"), "a2V5", new WebSocketConnectionOptions()));
        Assert.Contains("\r\nHost: localhost:8080\r\n", withPort, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Host")]
    [InlineData("sec-websocket-key")]
    [InlineData("Bad Name")]
    public void Reserved_or_invalid_header_names_are_rejected(string name)
    {
        var options = new WebSocketConnectionOptions();
        options.Headers[name] = "v";
        Assert.Throws<ArgumentException>(() => WebSocketHandshake.ValidateOptions(options));
    }

    [Fact]
    public void Keys_are_random_16_byte_nonces()
    {
        string a = WebSocketHandshake.CreateKey();
        string b = WebSocketHandshake.CreateKey();
        Assert.NotEqual(a, b);
        Assert.Equal(16, Convert.FromBase64String(a).Length);
    }
}
