using System;
using System.Collections.Generic;
using System.Linq;
using System.Net.WebSockets;
using System.Threading;
using System.Threading.Tasks;

namespace Generated.OpenAI.Simulator;

/// <summary>
/// A simulated incoming SIP call: what the app did with it (accept with a session, reject with a SIP status, refer,
/// hang up) and the sideband WebSockets attached to it.
/// </summary>
/// <remarks>Thread-safe: the REST handlers and the WebSocket connections change it under one lock.</remarks>
public sealed class SimulatedCall
{
    private readonly object _lock = new();
    private readonly List<VoiceAgentConnection> _sidebands = [];
    private SimulatedCallState _state = SimulatedCallState.Ringing;
    private string? _acceptedSession;
    private int? _rejectStatusCode;
    private string? _referTargetUri;
    private int _sidebandCount;

    internal SimulatedCall(string callId, IReadOnlyList<KeyValuePair<string, string>> sipHeaders)
    {
        CallId = callId;
        SipHeaders = sipHeaders;
    }

    /// <summary>The call id the webhook announced (<c>data.call_id</c>).</summary>
    public string CallId { get; }

    /// <summary>The SIP headers the webhook carried (<c>From</c>, <c>To</c>, <c>Call-ID</c>).</summary>
    public IReadOnlyList<KeyValuePair<string, string>> SipHeaders { get; }

    /// <summary>Where the call is.</summary>
    public SimulatedCallState State
    {
        get
        {
            lock (_lock)
            {
                return _state;
            }
        }
    }

    /// <summary>The session configuration the accept request carried (JSON), once accepted.</summary>
    public string? AcceptedSession
    {
        get
        {
            lock (_lock)
            {
                return _acceptedSession;
            }
        }
    }

    /// <summary>The SIP status code of the reject (603 when the request named none), once rejected.</summary>
    public int? RejectStatusCode
    {
        get
        {
            lock (_lock)
            {
                return _rejectStatusCode;
            }
        }
    }

    /// <summary>The <c>target_uri</c> of the refer, once referred.</summary>
    public string? ReferTargetUri
    {
        get
        {
            lock (_lock)
            {
                return _referTargetUri;
            }
        }
    }

    /// <summary>How many sideband WebSockets have attached to the call so far.</summary>
    public int SidebandCount => Volatile.Read(ref _sidebandCount);

    /// <summary>The model of the accepted session, if it named one.</summary>
    internal string? Model { get; private set; }

    /// <summary>Moves the call from <paramref name="from"/> to <paramref name="to"/>; false when it was elsewhere.</summary>
    internal bool TryMove(SimulatedCallState from, SimulatedCallState to, Action? record = null)
    {
        lock (_lock)
        {
            if (_state != from)
            {
                return false;
            }

            _state = to;
            record?.Invoke();
            return true;
        }
    }

    internal void RecordAccept(string session, string? model)
    {
        _acceptedSession = session;
        Model = model;
    }

    internal void RecordReject(int statusCode) => _rejectStatusCode = statusCode;

    internal void RecordRefer(string targetUri) => _referTargetUri = targetUri;

    /// <summary>Registers a sideband connection (the call was accepted when its upgrade was allowed).</summary>
    internal void Attach(VoiceAgentConnection connection)
    {
        lock (_lock)
        {
            _sidebands.Add(connection);
        }

        Interlocked.Increment(ref _sidebandCount);
        if (AcceptedSession is { } session)
        {
            connection.ApplyAcceptedSession(session);
        }
    }

    internal void Detach(VoiceAgentConnection connection)
    {
        lock (_lock)
        {
            _sidebands.Remove(connection);
        }
    }

    /// <summary>The call left the API: close every sideband WebSocket with 1000.</summary>
    internal Task CloseSidebandsAsync(string reason, CancellationToken cancellationToken)
    {
        VoiceAgentConnection[] open;
        lock (_lock)
        {
            open = _sidebands.ToArray();
        }

        return Task.WhenAll(open.Select(c => c.CloseFromServerAsync(WebSocketCloseStatus.NormalClosure, reason, cancellationToken)));
    }
}
