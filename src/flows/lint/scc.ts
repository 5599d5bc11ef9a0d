/**
 * Strongly connected components (Tarjan), iterative so a long chain of nodes cannot overflow the
 * stack. Components come out in reverse topological order: a component is listed after every
 * component it can reach.
 */
export function stronglyConnected(ids: readonly string[], successors: (id: string) => readonly string[]): string[][] {
  const index = new Map<string, number>();
  const lowLink = new Map<string, number>();
  const onStack = new Set<string>();
  const stack: string[] = [];
  const components: string[][] = [];
  let counter = 0;

  for (const root of ids) {
    if (index.has(root)) continue;
    const work: { id: string; next: number }[] = [{ id: root, next: 0 }];
    visit(root);
    while (work.length > 0) {
      const frame = work[work.length - 1]!;
      const out = successors(frame.id);
      if (frame.next < out.length) {
        const target = out[frame.next++]!;
        if (!index.has(target)) {
          visit(target);
          work.push({ id: target, next: 0 });
        } else if (onStack.has(target)) {
          lowLink.set(frame.id, Math.min(lowLink.get(frame.id)!, index.get(target)!));
        }
        continue;
      }
      work.pop();
      const parent = work[work.length - 1];
      if (parent) lowLink.set(parent.id, Math.min(lowLink.get(parent.id)!, lowLink.get(frame.id)!));
      if (lowLink.get(frame.id) === index.get(frame.id)) {
        const component: string[] = [];
        let member: string;
        do {
          member = stack.pop()!;
          onStack.delete(member);
          component.push(member);
        } while (member !== frame.id);
        components.push(component);
      }
    }
  }
  return components;

  function visit(id: string): void {
    index.set(id, counter);
    lowLink.set(id, counter);
    counter += 1;
    stack.push(id);
    onStack.add(id);
  }
}

/**
 * The components that hold a cycle: more than one member, or one member that leads to itself.
 * Members come in the order of `ids`.
 */
export function cycles(ids: readonly string[], successors: (id: string) => readonly string[]): string[][] {
  return stronglyConnected(ids, successors)
    .filter((component) => component.length > 1 || successors(component[0]!).includes(component[0]!))
    .map((component) => {
      const members = new Set(component);
      return ids.filter((id) => members.has(id));
    });
}
