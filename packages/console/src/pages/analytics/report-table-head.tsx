/** The header row of a report table: the row label's column, right-aligned figure columns, then text columns (`after`). */
export function ReportTableHead({
  first,
  figures,
  after = [],
}: {
  first: string;
  figures: readonly string[];
  after?: readonly string[];
}) {
  return (
    <thead>
      <tr>
        <th scope="col">{first}</th>
        {figures.map((h) => (
          <th key={h} scope="col" className="cell-number">
            {h}
          </th>
        ))}
        {after.map((h) => (
          <th key={h} scope="col">
            {h}
          </th>
        ))}
      </tr>
    </thead>
  );
}
