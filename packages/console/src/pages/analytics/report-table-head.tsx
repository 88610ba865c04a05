/** The header row of a report table: the row label's column, then right-aligned figure columns. */
export function ReportTableHead({ first, figures }: { first: string; figures: readonly string[] }) {
  return (
    <thead>
      <tr>
        <th scope="col">{first}</th>
        {figures.map((h) => (
          <th key={h} scope="col" className="cell-number">
            {h}
          </th>
        ))}
      </tr>
    </thead>
  );
}
