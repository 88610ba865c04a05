import { Gauge, type Registry } from 'prom-client';
import type { Bus } from '../bus/bus.ts';

/**
 * The bus's handlers on this node, read when scraped. Each open socket holds a few; a count that
 * keeps growing while the sockets do not is a socket that closed without letting go of one.
 */
export function registerBusMetrics(registry: Registry, bus: Bus): void {
  new Gauge({
    name: 'beckon_bus_subscriptions',
    help: "Handlers this node has subscribed on the bus, over every topic (sockets' conversations, agents and accounts among them)",
    registers: [registry],
    collect() {
      this.set(bus.subscriptions());
    },
  });
}
