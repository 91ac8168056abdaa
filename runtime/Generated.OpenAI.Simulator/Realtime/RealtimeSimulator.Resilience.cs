using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Threading.Tasks;
using Microsoft.AspNetCore.Http;

namespace Generated.OpenAI.Simulator;

// What reconnect tests need: refused upgrades (counted), expired sessions, and each connection's conversation.
public sealed partial class RealtimeSimulator
{
    private readonly object _refusalLock = new();
    private readonly ConcurrentDictionary<int, Func<IReadOnlyList<string>>> _conversations = new();
    private readonly List<int> _expired = [];
    private int _refuseRemaining;
    private int _refuseStatus;
    private int _refusedUpgrades;
    private int _stallRemaining;
    private int _stalledUpgrades;
    private int _abandonedUpgrades;

    /// <summary>WebSocket upgrades refused by <see cref="RefuseUpgrades"/> so far (each is one connection attempt).</summary>
    public int RefusedUpgrades => ReadCount(ref _refusedUpgrades);

    /// <summary>Connections ended by <see cref="RealtimeSimulatorOptions.SessionLifetime"/>, in order.</summary>
    public IReadOnlyList<int> ExpiredConnections => Snapshot(_expired);

    /// <summary>
    /// Refuses the next <paramref name="count"/> WebSocket upgrades (of any kind) with <paramref name="statusCode"/> and
    /// OpenAI's error JSON (401: <c>invalid_api_key</c>); <see cref="int.MaxValue"/> refuses every one from now on.
    /// </summary>
    public void RefuseUpgrades(int statusCode, int count)
    {
        lock (_refusalLock)
        {
            _refuseStatus = statusCode;
            _refuseRemaining = count;
        }
    }

    /// <summary>Upgrades held by <see cref="StallUpgrades"/> so far (each is one connection attempt that got no answer).</summary>
    public int StalledUpgrades => ReadCount(ref _stalledUpgrades);

    /// <summary>Stalled upgrades whose client gave up and closed the TCP connection (no socket left behind).</summary>
    public int AbandonedUpgrades => ReadCount(ref _abandonedUpgrades);

    /// <summary>Holds the next <paramref name="count"/> WebSocket upgrades without answering, until the client closes the connection.</summary>
    public void StallUpgrades(int count)
    {
        lock (_refusalLock)
        {
            _stallRemaining = count;
        }
    }

    /// <summary>
    /// The items of a voice-agent or transcription connection's conversation, in order, as JSON: what a resumed
    /// session restored shows here (the items it created, with the ids it gave them). Kept after the connection ends.
    /// </summary>
    public IReadOnlyList<string> GetConversationItems(int connectionId)
        => _conversations.TryGetValue(connectionId, out Func<IReadOnlyList<string>>? snapshot) ? snapshot() : [];

    internal void RecordConversation(int connectionId, Func<IReadOnlyList<string>> snapshot) => _conversations[connectionId] = snapshot;

    internal void RecordExpiry(int connectionId)
    {
        lock (_expired)
        {
            _expired.Add(connectionId);
        }
    }

    private static int ReadCount(ref int value) => System.Threading.Volatile.Read(ref value);

    private async Task<bool> TryRefuseUpgradeAsync(HttpContext context)
    {
        int status;
        bool stall;
        lock (_refusalLock)
        {
            stall = _stallRemaining > 0;
            if (stall)
            {
                _stallRemaining--;
                _stalledUpgrades++;
            }
        }

        if (stall)
        {
            try
            {
                await Task.Delay(System.Threading.Timeout.Infinite, context.RequestAborted).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                System.Threading.Interlocked.Increment(ref _abandonedUpgrades);
            }

            return true;
        }

        lock (_refusalLock)
        {
            if (_refuseRemaining <= 0)
            {
                return false;
            }

            if (_refuseRemaining != int.MaxValue)
            {
                _refuseRemaining--;
            }

            status = _refuseStatus;
            _refusedUpgrades++;
        }

        (string message, string type, string? code) = status switch
        {
            401 => ("Incorrect API key provided.", "invalid_request_error", "invalid_api_key"),
            403 => ("You are not allowed to use this model.", "invalid_request_error", "model_not_allowed"),
            429 => ("Rate limit reached for realtime sessions.", "rate_limit_exceeded", "rate_limit_exceeded"),
            _ => ("The server is temporarily unable to accept realtime sessions.", "server_error", null),
        };
        await RestSimulator.WriteErrorAsync(context, status, message, type, null, code).ConfigureAwait(false);
        return true;
    }
}
