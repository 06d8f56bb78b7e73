// Test doubles: a clock whose timers fire only when the test moves it, a WebSocket class that records what the
// client did and lets the test play the server, and a fetch that answers the ticket endpoint.

export class FakeClock {
  now = 1_700_000_000_000;
  #timers = new Map();
  #nextId = 1;

  setTimeout = (callback, delay) => {
    const id = this.#nextId++;
    this.#timers.set(id, { at: this.now + Math.max(0, delay), delay, callback });
    return id;
  };

  clearTimeout = (id) => {
    this.#timers.delete(id);
  };

  /** Delays of the timers still pending, in the order they were set. */
  get pending() {
    return [...this.#timers.values()].map((t) => t.delay);
  }

  /** Moves time forward, firing due timers in order (and what they schedule, if due too). */
  async advance(ms) {
    const end = this.now + ms;
    for (;;) {
      await flush();
      let next = null;
      for (const [id, timer] of this.#timers) {
        if (timer.at <= end && (next === null || timer.at < next[1].at)) {
          next = [id, timer];
        }
      }

      if (next === null) {
        break;
      }

      this.#timers.delete(next[0]);
      this.now = Math.max(this.now, next[1].at);
      next[1].callback();
    }

    this.now = end;
    await flush();
  }
}

/** Lets promise callbacks run (the client awaits token sources and fetch). */
export async function flush() {
  for (let i = 0; i < 10; i++) {
    await new Promise((resolve) => setImmediate(resolve));
  }
}

/** Creates a WebSocket class whose instances are recorded in `sockets`. */
export function fakeWebSocketClass() {
  const sockets = [];
  class FakeWebSocket {
    static CONNECTING = 0;
    static OPEN = 1;
    static CLOSING = 2;
    static CLOSED = 3;

    constructor(url, protocols) {
      this.url = url;
      this.protocols = protocols;
      this.readyState = 0;
      this.protocol = '';
      this.sent = [];
      this.closedByClient = null;
      this.bufferedAmount = 0;
      this.binaryType = 'blob';
      sockets.push(this);
    }

    send(data) {
      if (this.readyState !== 1) {
        throw new Error('fake: send while not open');
      }

      this.sent.push(data);
    }

    close(code, reason) {
      this.closedByClient = { code, reason };
      this.readyState = 2;
    }

    // ---- the test plays the server ----
    serverAccepts(protocol = '') {
      this.readyState = 1;
      this.protocol = protocol;
      this.onopen?.({ type: 'open' });
    }

    serverSends(data) {
      this.onmessage?.({ type: 'message', data });
    }

    serverCloses(code, reason = '') {
      this.readyState = 3;
      this.onclose?.({ type: 'close', code, reason, wasClean: code !== 1006 });
    }

    /** What a browser reports for a refused handshake: error, then close 1006. */
    refused() {
      this.readyState = 3;
      this.onerror?.({ type: 'error' });
      this.onclose?.({ type: 'close', code: 1006, reason: '', wasClean: false });
    }

    /** Completes a close the client started. */
    closeCompletes() {
      const { code, reason } = this.closedByClient ?? { code: 1005, reason: '' };
      this.readyState = 3;
      this.onclose?.({ type: 'close', code, reason, wasClean: true });
    }
  }

  return { FakeWebSocket, sockets };
}

/** A fetch that answers each call with the next of `answers` ({ status, body } or an Error to throw). */
export function fakeFetch(answers) {
  const calls = [];
  const fetch = async (input, init) => {
    calls.push({ input, init });
    const answer = answers.length > 1 ? answers.shift() : answers[0];
    if (answer instanceof Error) {
      throw answer;
    }

    return {
      ok: answer.status >= 200 && answer.status < 300,
      status: answer.status,
      json: async () => {
        if (typeof answer.body === 'string') {
          return JSON.parse(answer.body);
        }

        return answer.body;
      },
    };
  };
  return { fetch, calls };
}

/** Records every event of the given types, in order. */
export function recordEvents(target, types = ['open', 'message', 'close', 'error', 'refreshed', 'expiring']) {
  const events = [];
  for (const type of types) {
    target.addEventListener(type, (event) => events.push(event));
  }

  return events;
}
